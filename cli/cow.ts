// `kwb cow`: copy-on-write files outside a run (UML's uml_moo and friends).
//   kwb cow info COW                 the header, what the file holds, the backing file's state
//   kwb cow merge COW OUT            a new raw image: the backing file with COW's changes
//   kwb cow merge --in-place COW     the same, written into the backing file
// Returns the exit status: 0, or 2 with one line on stderr for bad arguments or files.
import { formatCowInfo, mergeCow, readCowInfo } from '../host/disks';

export const COW_USAGE = `usage: kwb cow info COW
       kwb cow merge COW OUT
       kwb cow merge --in-place COW
  info    prints COW's header (its backing file's path, size, mtime and sample hash), how
          many blocks it holds, and whether the backing file is unchanged
  merge   writes the backing file with COW's changes laid over it to OUT (a temporary file
          next to OUT, renamed over it when complete: a killed merge leaves OUT as it was);
          --in-place writes the backing file itself, the same way (COW is stale afterwards)
  --quiet no progress lines on stderr`;

export function runCow(argv: string[], out: (s: string) => void, err: (s: string) => void): number {
  const usage = (msg: string) => { err(`kwb cow: ${msg} (see kwb cow help)\n`); return 2; };
  const [sub, ...rest] = argv;
  if (sub === undefined) return usage('missing subcommand: info or merge');
  if (sub === 'help' || sub === '--help' || sub === '-h') { out(`${COW_USAGE}\n`); return 0; }
  const flags = rest.filter((a) => a.startsWith('-'));
  const files = rest.filter((a) => !a.startsWith('-'));
  for (const f of flags) if (!(sub === 'merge' && (f === '--in-place' || f === '--quiet'))) return usage(`unknown option '${f}' for ${sub}`);
  try {
    if (sub === 'info') {
      if (files.length !== 1) return usage('info takes one copy-on-write file');
      out(`${formatCowInfo(files[0], readCowInfo(files[0]))}\n`);
      return 0;
    }
    if (sub === 'merge') {
      const inPlace = flags.includes('--in-place');
      const quiet = flags.includes('--quiet');
      if (inPlace ? files.length < 1 || files.length > 2 : files.length !== 2) return usage(inPlace ? 'merge --in-place takes the copy-on-write file' : 'merge takes the copy-on-write file and the output file');
      let shown = 0;
      const r = mergeCow(files[0], files[1], {
        inPlace,
        progress: quiet ? undefined : (done, total) => {
          // a line per 64 MiB (and the last), so a watcher sees the merge under way
          if (done - shown >= (64 << 20) || done === total) { shown = done; err(`kwb cow: merged ${done >> 20} of ${Math.ceil(total / (1 << 20))} MiB\n`); }
        },
      });
      err(`kwb cow: wrote ${r.output} (${r.bytes} bytes, ${r.changedBlocks} changed blocks)\n`);
      return 0;
    }
    return usage(`unknown subcommand '${sub}' (info, merge)`);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') err(`kwb cow: '${(e as NodeJS.ErrnoException).path ?? files[0]}': no such file\n`);
    else err(`kwb cow: ${(e as Error).message}\n`);
    return 2;
  }
}
