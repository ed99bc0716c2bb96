// Disk files on the host: raw images, copy-on-write files, merge, info, hole punching.
export { RawFileDisk } from './raw-file';
export { CowFileDisk } from './cow-file';
export { CowFileError, type CowHeader } from './cow-format';
export { BackingChangedError } from './backing';
export { mergeCow, type MergeResult } from './merge';
export { readCowInfo, formatCowInfo } from './info';
export { parseDriveSpec, driveSpecOfEntry, openDrive, openMedium, DriveError, type DriveSpec, type OpenedDrive } from './open-drive';
