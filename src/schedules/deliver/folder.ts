// A file per run in a folder, named as the API names it: copied to a temporary name in the
// same folder, flushed, then renamed, so a reader never sees half a file and a crash
// leaves at most the temporary, which the next attempt of the same delivery overwrites.
import { copyFile, open, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { DeliveryError, type Delivery } from './delivery.ts';

// errors asking again does not fix
const PERMANENT = new Set(['EACCES', 'EPERM', 'ENOENT', 'ENOTDIR', 'EROFS', 'EISDIR']);

export async function writeToFolder(d: Delivery, folder: string): Promise<string> {
  const target = join(folder, d.produced.filename);
  // the same name on every attempt of this delivery: a crash's leftover is reused, not added to
  const temp = join(folder, `.${d.produced.filename}.${d.idempotencyKey.slice(0, 12)}.partial`);
  try {
    await copyFile(d.produced.path, temp);
    const fh = await open(temp, 'r+');
    try {
      await fh.sync();
    } finally {
      await fh.close();
    }
    await rename(temp, target);
    return target;
  } catch (err) {
    await rm(temp, { force: true }).catch(() => {});
    const code = (err as { code?: string }).code ?? '';
    throw new DeliveryError(`${(err as Error).message}`, !PERMANENT.has(code));
  }
}
