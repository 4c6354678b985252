/**
 * The Node.js version notice. The AWS SDK warns on every process that builds a client under
 * Node < 22, in English, a screenful each time; the CLI turns that warning off (bin/tonghop.cjs,
 * with the SDK's own switch for exactly that warning) and says it once, in Vietnamese, where an
 * operator looks: the `npm start` banner and `--help`.
 */

/** The Node.js major the Lambdas run on and the AWS SDK will require. */
export const SUPPORTED_NODE_MAJOR = 22;

/** One Vietnamese line when `version` (default: this process's) is older than supported; otherwise undefined. */
export function nodeVersionNotice(version: string = process.version): string | undefined {
  const major = Number(/^v(\d+)\./.exec(version)?.[1]);
  if (!Number.isInteger(major) || major >= SUPPORTED_NODE_MAJOR) return undefined;
  return `Lưu ý: máy này đang chạy Node.js ${version}; các bản AWS SDK phát hành sau tuần đầu tháng 01/2027 cần Node.js ${SUPPORTED_NODE_MAJOR} trở lên (Lambda cũng chạy Node.js ${SUPPORTED_NODE_MAJOR}). Hãy nâng cấp Node.js lên bản ${SUPPORTED_NODE_MAJOR}.`;
}

/** The notice as extra lines after a blank one, for help texts and the banner (none on a supported Node). */
export function nodeVersionNoticeLines(version?: string): string[] {
  const notice = nodeVersionNotice(version);
  return notice ? ['', notice] : [];
}
