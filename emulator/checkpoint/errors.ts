// The one error type of checkpoints: what was wrong and where (a section, a field), so a
// refused file is named precisely ("section 'ram': checksum mismatch", "hart1.x: ...").
export class CheckpointError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CheckpointError';
  }
}
