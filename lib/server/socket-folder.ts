import fs from "node:fs";
import os from "node:os";
import path from "node:path";

/** Longest Unix socket path Linux takes (108 bytes with the terminating NUL); Node cuts longer ones silently. */
const MAX_SOCKET_PATH = 100;
const SOCKET_NAME = "console.sock";

export type SocketFolder = {
  socketPath: string;
  /** Throws unless the folder is still the one made here: same inode, this user's, mode 0700. */
  check: () => void;
  remove: () => void;
};

/**
 * A folder only this user can open, for the console's socket: under KEEL_HOME, which Keel owns and
 * no temp cleaner sweeps, or else under the temp folder when KEEL_HOME's path is too long for a
 * socket. The folder is checked again before each use, so that one removed and re-made by someone
 * else (who could then listen on the socket and read sign-ins) is refused, not trusted.
 */
export function makeSocketFolder(home: string): SocketFolder {
  const bases = [path.join(home, "run"), os.tmpdir(), "/tmp"];
  // mkdtemp adds six characters to the prefix.
  const fits = (base: string) => Buffer.byteLength(path.join(base, "console-XXXXXX", SOCKET_NAME)) <= MAX_SOCKET_PATH;
  const base = bases.find(fits);
  if (!base) throw new Error(`No folder short enough for the console's socket (KEEL_HOME ${home} and the temp folder are too long); set KEEL_HOME to a shorter path.`);
  fs.mkdirSync(base, { recursive: true, mode: 0o700 });
  const folder = fs.mkdtempSync(path.join(base, "console-"));
  const made = fs.lstatSync(folder);
  const check = () => {
    const now = fs.lstatSync(folder);
    const uid = process.getuid?.();
    if (!now.isDirectory() || now.ino !== made.ino || now.dev !== made.dev || (uid !== undefined && now.uid !== uid) || (now.mode & 0o777) !== 0o700) {
      throw new Error(`The console's socket folder ${folder} was replaced; refusing to use it.`);
    }
  };
  return {
    socketPath: path.join(folder, SOCKET_NAME),
    check,
    remove: () => fs.rmSync(folder, { recursive: true, force: true }),
  };
}
