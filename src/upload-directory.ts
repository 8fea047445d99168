import { lstatSync, mkdirSync, type Stats } from 'node:fs';
import { readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';

/**
 * Statement uploads wait on disk in `<tmpdir>/spendsense-uploads/<pid>/`, one folder per process,
 * so the files a process left when it crashed mid-upload are findable: a later start removes the
 * folders of processes that are gone (see removeStaleUploads).
 */
function uploadsRoot(): string {
  return `${tmpdir()}/spendsense-uploads`;
}

/** This process's upload folder. Made on every call (a cheap system call), in case a tmp cleaner removed it. */
export function uploadDirectory(): string {
  const directory = `${uploadsRoot()}/${process.pid}`;
  mkdirSync(directory, { recursive: true, mode: 0o700 });
  return directory;
}

function isRunning(pid: number): boolean {
  if (!Number.isSafeInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Whether the shared folder exists yet. It sits in a world-writable tmpdir, so one that another
 * user made, or a symlink, is refused.
 */
function ownRootExists(root: string): boolean {
  let info: Stats;
  try {
    info = lstatSync(root);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw error;
  }
  const ownUid = process.getuid?.();
  if (!info.isDirectory() || (ownUid !== undefined && info.uid !== ownUid)) {
    throw new Error(`The upload folder ${root} is not a directory of this user's: remove it, or set TMPDIR elsewhere.`);
  }
  return true;
}

/**
 * Removes the upload folders of processes that are no longer running, and this process's own (a
 * previous process with the same pid left it: in a container, node is always pid 1). Called at
 * start-up, before this process receives anything. Returns the folder names removed.
 */
export async function removeStaleUploads(): Promise<string[]> {
  const root = uploadsRoot();
  if (!ownRootExists(root)) return [];
  const names = await readdir(root);
  const stale = names.filter((name) => name === String(process.pid) || !isRunning(Number(name)));
  await Promise.all(stale.map((name) => rm(`${root}/${name}`, { recursive: true, force: true })));
  return stale;
}
