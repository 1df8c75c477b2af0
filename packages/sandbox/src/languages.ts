/**
 * The language registry: how each language is compiled and run inside the box.
 *
 * Conventions every entry follows (the backends rely on them):
 * - the sources are mounted read-only at `/src` (see `SOURCE_DIR`), so a
 *   program can never rewrite the file the host wrote;
 * - the work dir `/box` (see `WORK_DIR`) is writable and persists from the
 *   compile step to the run steps of the same job: compilers write their
 *   output there;
 * - argv arrays only, absolute paths to Debian's toolchains (never pyenv or
 *   rustup shims under /root, which the box does not mount).
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import type { LanguageSpec, Limits } from './types.js';

export const SOURCE_DIR = '/src';
export const WORK_DIR = '/box';

const MiB = 1024 * 1024;
const JDK = '/usr/lib/jvm/java-17-openjdk-amd64';
const GOROOT = '/usr/lib/go-1.19';

/** JVM flags that keep it inside the cgroup: small fixed heap, one GC thread, no JIT tiers 2-4. */
const JVM_FLAGS = [
  '-XX:+UseSerialGC',
  '-XX:TieredStopAtLevel=1',
  '-XX:ActiveProcessorCount=1',
  '-Xshare:auto',
  '-XX:-UsePerfData',
  '-Xss64m',
];

/** Compiled languages get more room while compiling: toolchains are threaded and hungry. */
const TOOLCHAIN_COMPILE: Partial<Limits> = {
  processes: 128,
  memoryBytes: 768 * MiB,
  fileSizeBytes: 32 * MiB,
};

/**
 * esbuild strips TypeScript types in a few milliseconds (tsc takes seconds and
 * hundreds of MiB). It is a static Go binary: the box mounts only its folder.
 */
function esbuildBinary(): string {
  try {
    const require = createRequire(import.meta.url);
    return path.join(path.dirname(require.resolve('@esbuild/linux-x64/package.json')), 'bin');
  } catch {
    return '/nonexistent/esbuild';
  }
}
const ESBUILD_DIR = esbuildBinary();
/** Where the box sees esbuild's folder, wherever the checkout is (even under the box's own /tmp). */
const BOX_ESBUILD_DIR = '/opt/esbuild';

const STDIN_SUM = 'Reads two integers from stdin and prints their sum.';

const REGISTRY: LanguageSpec[] = [
  {
    id: 'python',
    label: 'Python 3',
    editor: 'python',
    sourceFile: 'main.py',
    run: ['/usr/bin/python3', '-B', '-S', `${SOURCE_DIR}/main.py`],
    version: ['/usr/bin/python3', '--version'],
    requires: ['/usr/bin/python3'],
    env: { PYTHONDONTWRITEBYTECODE: '1', PYTHONUNBUFFERED: '0', PYTHONIOENCODING: 'utf-8' },
    template: `# ${STDIN_SUM}\nimport sys\n\na, b = map(int, sys.stdin.read().split())\nprint(a + b)\n`,
  },
  {
    id: 'javascript',
    label: 'JavaScript (Node.js)',
    editor: 'javascript',
    sourceFile: 'main.js',
    run: ['/usr/bin/node', '--max-old-space-size=192', `${SOURCE_DIR}/main.js`],
    version: ['/usr/bin/node', '--version'],
    requires: ['/usr/bin/node'],
    template: `// ${STDIN_SUM}\nconst input = require('fs').readFileSync(0, 'utf8');\nconst [a, b] = input.split(/\\s+/).filter(Boolean).map(Number);\nconsole.log(a + b);\n`,
  },
  {
    id: 'typescript',
    label: 'TypeScript (esbuild + Node.js)',
    editor: 'typescript',
    sourceFile: 'main.ts',
    compile: [
      `${BOX_ESBUILD_DIR}/esbuild`,
      `${SOURCE_DIR}/main.ts`,
      `--outfile=${WORK_DIR}/main.js`,
      '--format=cjs',
      '--platform=node',
      '--target=node20',
      '--log-level=warning',
    ],
    run: ['/usr/bin/node', '--max-old-space-size=192', `${WORK_DIR}/main.js`],
    version: ['/usr/bin/node', '--version'],
    requires: ['/usr/bin/node', `${ESBUILD_DIR}/esbuild`],
    mounts: [{ source: ESBUILD_DIR, target: BOX_ESBUILD_DIR }],
    // esbuild is a Go program: keep its thread count modest.
    env: { GOMAXPROCS: '1' },
    template: `// ${STDIN_SUM}\nimport { readFileSync } from 'fs';\n\nconst [a, b]: number[] = readFileSync(0, 'utf8').split(/\\s+/).filter(Boolean).map(Number);\nconsole.log(a + b);\n`,
  },
  {
    id: 'c',
    label: 'C (GCC)',
    editor: 'c',
    sourceFile: 'main.c',
    compile: [
      '/usr/bin/gcc',
      '-O2',
      '-std=c17',
      '-pipe',
      '-o',
      `${WORK_DIR}/main`,
      `${SOURCE_DIR}/main.c`,
      '-lm',
    ],
    run: [`${WORK_DIR}/main`],
    version: ['/usr/bin/gcc', '--version'],
    requires: ['/usr/bin/gcc'],
    template: `/* ${STDIN_SUM} */\n#include <stdio.h>\n\nint main(void) {\n    long long a, b;\n    if (scanf("%lld %lld", &a, &b) != 2) return 1;\n    printf("%lld\\n", a + b);\n    return 0;\n}\n`,
  },
  {
    id: 'cpp',
    label: 'C++17 (GCC)',
    editor: 'cpp',
    sourceFile: 'main.cpp',
    compile: [
      '/usr/bin/g++',
      '-O2',
      '-std=c++17',
      '-pipe',
      '-o',
      `${WORK_DIR}/main`,
      `${SOURCE_DIR}/main.cpp`,
    ],
    run: [`${WORK_DIR}/main`],
    version: ['/usr/bin/g++', '--version'],
    requires: ['/usr/bin/g++'],
    template: `// ${STDIN_SUM}\n#include <iostream>\n\nint main() {\n    long long a, b;\n    std::cin >> a >> b;\n    std::cout << a + b << '\\n';\n    return 0;\n}\n`,
  },
  {
    id: 'java',
    label: 'Java 17',
    editor: 'java',
    sourceFile: 'Main.java',
    compile: [
      `${JDK}/bin/javac`,
      ...JVM_FLAGS.filter((flag) => flag !== '-Xss64m').map((flag) => `-J${flag}`),
      '-J-Xmx256m',
      '-encoding',
      'UTF-8',
      '-d',
      WORK_DIR,
      `${SOURCE_DIR}/Main.java`,
    ],
    run: [`${JDK}/bin/java`, ...JVM_FLAGS, '-Xmx320m', '-cp', WORK_DIR, 'Main'],
    version: [`${JDK}/bin/java`, '-version'],
    requires: [`${JDK}/bin/java`, `${JDK}/bin/javac`],
    mounts: ['/etc/java-17-openjdk'],
    limits: { memoryBytes: 512 * MiB },
    compileLimits: TOOLCHAIN_COMPILE,
    memoryErrorMarker: 'java.lang.OutOfMemoryError',
    template: `// ${STDIN_SUM}\nimport java.util.Scanner;\n\npublic class Main {\n    public static void main(String[] args) {\n        Scanner in = new Scanner(System.in);\n        long a = in.nextLong(), b = in.nextLong();\n        System.out.println(a + b);\n    }\n}\n`,
  },
  {
    id: 'go',
    label: 'Go',
    editor: 'go',
    sourceFile: 'main.go',
    compile: [`${GOROOT}/bin/go`, 'build', '-o', `${WORK_DIR}/main`, `${SOURCE_DIR}/main.go`],
    run: [`${WORK_DIR}/main`],
    version: [`${GOROOT}/bin/go`, 'version'],
    requires: [`${GOROOT}/bin/go`],
    env: {
      GOROOT,
      GOCACHE: '/tmp/go-cache',
      GOPATH: '/tmp/go',
      GOTMPDIR: '/tmp',
      GO111MODULE: 'off',
      GOFLAGS: '-p=1',
      CGO_ENABLED: '0',
      GOTOOLCHAIN: 'local',
    },
    compileLimits: TOOLCHAIN_COMPILE,
    template: `// ${STDIN_SUM}\npackage main\n\nimport "fmt"\n\nfunc main() {\n\tvar a, b int64\n\tfmt.Scan(&a, &b)\n\tfmt.Println(a + b)\n}\n`,
  },
  {
    id: 'rust',
    label: 'Rust',
    editor: 'rust',
    sourceFile: 'main.rs',
    compile: [
      '/usr/bin/rustc',
      '--edition=2021',
      '-O',
      '-C',
      'codegen-units=1',
      '-C',
      'strip=debuginfo',
      '-o',
      `${WORK_DIR}/main`,
      `${SOURCE_DIR}/main.rs`,
    ],
    run: [`${WORK_DIR}/main`],
    version: ['/usr/bin/rustc', '--version'],
    requires: ['/usr/bin/rustc'],
    compileLimits: TOOLCHAIN_COMPILE,
    template: `// ${STDIN_SUM}\nuse std::io::Read;\n\nfn main() {\n    let mut input = String::new();\n    std::io::stdin().read_to_string(&mut input).unwrap();\n    let sum: i64 = input.split_whitespace().map(|x| x.parse::<i64>().unwrap()).sum();\n    println!("{}", sum);\n}\n`,
  },
  {
    id: 'ruby',
    label: 'Ruby',
    editor: 'ruby',
    sourceFile: 'main.rb',
    run: ['/usr/bin/ruby', '--disable-gems', `${SOURCE_DIR}/main.rb`],
    version: ['/usr/bin/ruby', '--version'],
    requires: ['/usr/bin/ruby'],
    template: `# ${STDIN_SUM}\na, b = STDIN.read.split.map(&:to_i)\nputs a + b\n`,
  },
  {
    id: 'bash',
    label: 'Bash',
    editor: 'shell',
    sourceFile: 'main.sh',
    run: ['/usr/bin/bash', `${SOURCE_DIR}/main.sh`],
    version: ['/usr/bin/bash', '--version'],
    requires: ['/usr/bin/bash'],
    template: `# ${STDIN_SUM}\nread -r a b\necho $((a + b))\n`,
  },
  {
    id: 'php',
    label: 'PHP',
    editor: 'php',
    sourceFile: 'main.php',
    run: ['/usr/bin/php', '-n', '-d', 'memory_limit=-1', `${SOURCE_DIR}/main.php`],
    version: ['/usr/bin/php', '-n', '--version'],
    requires: ['/usr/bin/php'],
    template: `<?php\n// ${STDIN_SUM}\n[$a, $b] = array_map('intval', preg_split('/\\s+/', trim(stream_get_contents(STDIN))));\necho $a + $b, "\\n";\n`,
  },
  {
    id: 'sql',
    label: 'SQL (SQLite)',
    editor: 'sql',
    sourceFile: 'main.sql',
    // A fresh in-memory database per run; the script is read from the file, not from stdin.
    run: ['/usr/bin/sqlite3', '-batch', '-bail', ':memory:', `.read ${SOURCE_DIR}/main.sql`],
    version: ['/usr/bin/sqlite3', '--version'],
    requires: ['/usr/bin/sqlite3'],
    template: `-- Creates a table and queries it.\nCREATE TABLE people (name TEXT, age INTEGER);\nINSERT INTO people VALUES ('Ada', 36), ('Alan', 41);\nSELECT name FROM people WHERE age > 40;\n`,
  },
];

export const LANGUAGES: readonly LanguageSpec[] = Object.freeze(REGISTRY);

export function findLanguage(id: string): LanguageSpec | undefined {
  return LANGUAGES.find((language) => language.id === id);
}
