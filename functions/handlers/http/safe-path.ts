/** Request paths as they may be logged: a unit link token is replaced by its `tokenId`. */
import { tokenId } from '../../core/links';

export function safePath(path: string): string {
  return path.replace(/^\/u\/([^/]+)/, (_m, token: string) => `/u/~${tokenId(token)}`);
}
