/**
 * The contract suite's programs, one set per language. `null` marks a
 * behaviour the language cannot express (SQL has no stdin or exit code).
 */
export interface ContractPrograms {
  hello: string;
  /** Copies stdin to stdout unchanged. */
  echo: string | null;
  /** Exits with code 3. */
  exit3: string | null;
  /** Does not compile (compiled languages only). */
  compileError: string | null;
  busyLoop: string;
  /** Allocates and touches 1 GiB. */
  allocate: string | null;
  infinitePrint: string;
  /** Reads two integers and prints their sum. */
  sum: string | null;
}

const c = {
  hello: '#include <stdio.h>\nint main(void) { puts("hello"); return 0; }\n',
  echo: '#include <stdio.h>\nint main(void) { char b[4096]; size_t n; while ((n = fread(b, 1, sizeof b, stdin)) > 0) fwrite(b, 1, n, stdout); return 0; }\n',
  exit3: 'int main(void) { return 3; }\n',
  compileError: 'int main(void) { return undefined_name; }\n',
  busyLoop: 'int main(void) { volatile unsigned long x = 0; for (;;) x++; }\n',
  allocate:
    '#include <stdio.h>\n#include <stdlib.h>\nint main(void) { size_t n = 1UL << 30; volatile char *p = malloc(n); if (!p) return 2; for (size_t i = 0; i < n; i += 4096) p[i] = 1; printf("%d\\n", p[n / 2]); return 0; }\n',
  infinitePrint:
    '#include <stdio.h>\nint main(void) { for (;;) puts("yyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyy"); }\n',
  sum: '#include <stdio.h>\nint main(void) { long long a, b; if (scanf("%lld %lld", &a, &b) != 2) return 1; printf("%lld\\n", a + b); return 0; }\n',
};

const js = {
  hello: "console.log('hello');\n",
  echo: "process.stdout.write(require('fs').readFileSync(0));\n",
  exit3: 'process.exit(3);\n',
  compileError: null,
  busyLoop: 'for (;;) {}\n',
  allocate: 'const b = Buffer.alloc(1 << 30, 1);\nconsole.log(b[12345]);\n',
  infinitePrint: "for (;;) process.stdout.write('y'.repeat(100) + '\\n');\n",
  sum: "const [a, b] = require('fs').readFileSync(0, 'utf8').split(/\\s+/).filter(Boolean).map(Number);\nconsole.log(a + b);\n",
};

export const CONTRACT_PROGRAMS: Record<string, ContractPrograms> = {
  python: {
    hello: 'print("hello")\n',
    echo: 'import sys\nsys.stdout.write(sys.stdin.read())\n',
    exit3: 'import sys\nsys.exit(3)\n',
    compileError: null,
    busyLoop: 'while True:\n    pass\n',
    allocate: "x = b'\\x01' * (1 << 30)\nprint(len(x))\n",
    infinitePrint: 'while True:\n    print("y" * 100)\n',
    sum: 'a, b = map(int, input().split())\nprint(a + b)\n',
  },
  javascript: js,
  typescript: {
    ...js,
    echo: "import { readFileSync } from 'fs';\nconst input: Buffer = readFileSync(0);\nprocess.stdout.write(input);\n",
    compileError: 'const x: = 1;\n',
  },
  c,
  cpp: {
    ...c,
    hello: '#include <iostream>\nint main() { std::cout << "hello\\n"; }\n',
    compileError: 'int main() { std::vector<int> v; }\n',
    allocate:
      '#include <cstdio>\n#include <vector>\nint main() { std::vector<char> v(1UL << 30, 1); std::printf("%d\\n", v[12345] + v[v.size() - 1]); }\n',
  },
  java: {
    hello:
      'public class Main { public static void main(String[] a) { System.out.println("hello"); } }\n',
    echo: 'public class Main { public static void main(String[] a) throws Exception { System.in.transferTo(System.out); System.out.flush(); } }\n',
    exit3: 'public class Main { public static void main(String[] a) { System.exit(3); } }\n',
    compileError: 'public class Main { public static void main(String[] a) { int x = "s"; } }\n',
    busyLoop:
      'public class Main { public static void main(String[] a) { long x = 0; while (true) { x++; } } }\n',
    allocate:
      'public class Main { public static void main(String[] a) { byte[] b = new byte[1 << 30]; System.out.println(b.length); } }\n',
    infinitePrint:
      'public class Main { public static void main(String[] a) { while (true) System.out.println("yyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyy"); } }\n',
    sum: 'import java.util.Scanner;\npublic class Main { public static void main(String[] a) { Scanner s = new Scanner(System.in); System.out.println(s.nextLong() + s.nextLong()); } }\n',
  },
  go: {
    hello: 'package main\nimport "fmt"\nfunc main() { fmt.Println("hello") }\n',
    echo: 'package main\nimport ("io"; "os")\nfunc main() { io.Copy(os.Stdout, os.Stdin) }\n',
    exit3: 'package main\nimport "os"\nfunc main() { os.Exit(3) }\n',
    compileError: 'package main\nfunc main() { undefinedName() }\n',
    busyLoop: 'package main\nfunc main() { x := 0; for { x++ } }\n',
    allocate:
      'package main\nimport "fmt"\nfunc main() { b := make([]byte, 1<<30); for i := range b { b[i] = 1 }; fmt.Println(b[12345]) }\n',
    infinitePrint:
      'package main\nimport "fmt"\nfunc main() { for { fmt.Println("yyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyy") } }\n',
    sum: 'package main\nimport "fmt"\nfunc main() { var a, b int64; fmt.Scan(&a, &b); fmt.Println(a + b) }\n',
  },
  rust: {
    hello: 'fn main() { println!("hello"); }\n',
    echo: 'fn main() { std::io::copy(&mut std::io::stdin(), &mut std::io::stdout()).unwrap(); }\n',
    exit3: 'fn main() { std::process::exit(3); }\n',
    compileError: 'fn main() { let x: i32 = "s"; }\n',
    busyLoop:
      'fn main() { let mut x: u64 = 0; loop { x = unsafe { std::ptr::read_volatile(&x) } + 1; } }\n',
    allocate: 'fn main() { let v = vec![1u8; 1 << 30]; println!("{}", v[12345]); }\n',
    infinitePrint: 'fn main() { loop { println!("yyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyy"); } }\n',
    sum: 'use std::io::Read;\nfn main() { let mut s = String::new(); std::io::stdin().read_to_string(&mut s).unwrap(); let n: i64 = s.split_whitespace().map(|x| x.parse::<i64>().unwrap()).sum(); println!("{}", n); }\n',
  },
  ruby: {
    hello: 'puts "hello"\n',
    echo: 'print STDIN.read\n',
    exit3: 'exit 3\n',
    compileError: null,
    busyLoop: 'loop {}\n',
    allocate: 's = "x" * (1 << 30)\nputs s.size\n',
    infinitePrint: 'loop { puts "y" * 100 }\n',
    sum: 'a, b = STDIN.read.split.map(&:to_i)\nputs a + b\n',
  },
  bash: {
    hello: 'echo hello\n',
    echo: 'cat\n',
    exit3: 'exit 3\n',
    compileError: null,
    busyLoop: 'while :; do :; done\n',
    allocate: null,
    infinitePrint: 'while :; do echo yyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyy; done\n',
    sum: 'read -r a b\necho $((a + b))\n',
  },
  php: {
    hello: '<?php echo "hello\\n";\n',
    echo: '<?php echo stream_get_contents(STDIN);\n',
    exit3: '<?php exit(3);\n',
    compileError: null,
    busyLoop: '<?php while (true) {}\n',
    allocate: '<?php $s = str_repeat("x", 1 << 30); echo strlen($s), "\\n";\n',
    infinitePrint: '<?php while (true) echo str_repeat("y", 100), "\\n";\n',
    sum: '<?php [$a, $b] = array_map("intval", preg_split("/\\s+/", trim(stream_get_contents(STDIN)))); echo $a + $b, "\\n";\n',
  },
  sql: {
    hello: "SELECT 'hello';\n",
    echo: null,
    exit3: null,
    compileError: null,
    busyLoop:
      'WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) FROM c;\n',
    allocate: null,
    infinitePrint:
      'WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT x FROM c;\n',
    sum: null,
  },
};
