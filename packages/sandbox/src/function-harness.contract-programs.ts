/**
 * Candidate code for the function-harness contract, per language: Two Sum
 * solved (printing debug output to stdout on the way), answered wrongly, and
 * failing at run time; and how to turn a starter stub into the identity
 * function `same(x) -> x`, which carries every type through the driver and back.
 */
export interface FunctionPrograms {
  /** `twoSum(nums: int[], target: int) -> int[]`, printing to stdout first. */
  accepted: string;
  wrong: string;
  /** Fails on line 2 of the candidate's code. */
  throws: string;
  /** What a run-time failure's trace says about where it happened, e.g. `solution.py", line 2`. */
  throwsAt?: string;
  /** The starter stub of `same(x: T) -> T` made to return its argument. */
  identity(starter: string): string;
}

export const FUNCTION_PROGRAMS: Record<string, FunctionPrograms> = {
  python: {
    accepted: `def twoSum(nums, target):
    print("looking for", target)
    seen = {}
    for i, n in enumerate(nums):
        if target - n in seen:
            return [seen[target - n], i]
        seen[n] = i
`,
    wrong: `def twoSum(nums, target):\n    return [0, 0]\n`,
    throws: `def twoSum(nums, target):\n    return nums[len(nums) + 5]\n`,
    throwsAt: 'solution.py", line 2',
    identity: (starter) => starter.replace('pass', 'return x'),
  },
  javascript: {
    accepted: `function twoSum(nums, target) {
  console.log('looking for', target);
  const seen = new Map();
  for (let i = 0; i < nums.length; i++) {
    if (seen.has(target - nums[i])) return [seen.get(target - nums[i]), i];
    seen.set(nums[i], i);
  }
}
`,
    wrong: `function twoSum(nums, target) {\n  return [0, 0];\n}\n`,
    throws: `function twoSum(nums, target) {\n  return nums.missing.length;\n}\n`,
    throwsAt: 'main.js:2',
    identity: (starter) => starter.replace('{\n\n}', '{\n  return x;\n}'),
  },
  typescript: {
    accepted: `function twoSum(nums: number[], target: number): number[] {
  process.stdout.write('looking for ' + target + '\\n');
  const seen = new Map<number, number>();
  for (let i = 0; i < nums.length; i++) {
    const j = seen.get(target - nums[i]);
    if (j !== undefined) return [j, i];
    seen.set(nums[i], i);
  }
  return [];
}
`,
    wrong: `function twoSum(nums: number[], target: number): number[] {\n  return [0, 0];\n}\n`,
    throws: `function twoSum(nums: number[], target: number): number[] {\n  throw new Error('no pair for ' + target);\n}\n`,
    throwsAt: 'no pair for 9',
    identity: (starter) => starter.replace('{\n\n}', '{\n  return x;\n}'),
  },
  cpp: {
    accepted: `#include <iostream>
#include <unordered_map>
#include <vector>
using namespace std;

vector<int> twoSum(vector<int>& nums, int target) {
    cout << "looking for " << target << endl;
    printf("also with printf\\n");
    unordered_map<int, int> seen;
    for (int i = 0; i < (int)nums.size(); i++) {
        auto it = seen.find(target - nums[i]);
        if (it != seen.end()) return {it->second, i};
        seen[nums[i]] = i;
    }
    return {};
}
`,
    wrong: `#include <vector>\nstd::vector<int> twoSum(std::vector<int>& nums, int target) { return {0, 0}; }\n`,
    throws: `#include <vector>\nstd::vector<int> twoSum(std::vector<int>& nums, int target) { return {nums.at(99)}; }\n`,
    throwsAt: 'out_of_range',
    identity: (starter) => starter.replace('return {};', 'return x;'),
  },
  java: {
    accepted: `import java.util.HashMap;

class Solution {
    public int[] twoSum(int[] nums, int target) {
        System.out.println("looking for " + target);
        HashMap<Integer, Integer> seen = new HashMap<>();
        for (int i = 0; i < nums.length; i++) {
            Integer j = seen.get(target - nums[i]);
            if (j != null) return new int[] {j, i};
            seen.put(nums[i], i);
        }
        return new int[0];
    }
}
`,
    wrong: `class Solution {\n    public int[] twoSum(int[] nums, int target) { return new int[] {0, 0}; }\n}\n`,
    throws: `class Solution {\n    public int[] twoSum(int[] nums, int target) { return new int[] {nums[99]}; }\n}\n`,
    throwsAt: 'Solution.java:2',
    identity: (starter) => starter.replace(/return (null|0|false);/, 'return x;'),
  },
  go: {
    accepted: `package main

import "fmt"

func twoSum(nums []int, target int) []int {
	fmt.Println("looking for", target)
	seen := map[int]int{}
	for i, n := range nums {
		if j, ok := seen[target-n]; ok {
			return []int{j, i}
		}
		seen[n] = i
	}
	return nil
}
`,
    wrong: `package main\n\nfunc twoSum(nums []int, target int) []int {\n\treturn []int{0, 0}\n}\n`,
    throws: `package main\nfunc twoSum(nums []int, target int) []int { return []int{nums[99]} }\n`,
    throwsAt: 'main.go:2',
    identity: (starter) => starter.replace(/return (nil|0|""|false)/, 'return x'),
  },
  ruby: {
    accepted: `def twoSum(nums, target)
  puts "looking for #{target}"
  seen = {}
  nums.each_with_index do |n, i|
    return [seen[target - n], i] if seen.key?(target - n)
    seen[n] = i
  end
end
`,
    wrong: `def twoSum(nums, target)\n  [0, 0]\nend\n`,
    throws: `def twoSum(nums, target)\n  raise ArgumentError, "no pair"\nend\n`,
    throwsAt: 'solution.rb:2',
    identity: (starter) => starter.replace(/\)\nend\n$/, ')\n  x\nend\n'),
  },
  php: {
    accepted: `<?php
function twoSum(array $nums, int $target): array
{
    echo "looking for $target\\n";
    $seen = [];
    foreach ($nums as $i => $n) {
        if (array_key_exists($target - $n, $seen)) return [$seen[$target - $n], $i];
        $seen[$n] = $i;
    }
    return [];
}
`,
    wrong: `<?php\nfunction twoSum(array $nums, int $target): array { return [0, 0]; }\n`,
    throws: `<?php\nfunction twoSum(array $nums, int $target): array { throw new RuntimeException("no pair"); }\n`,
    throwsAt: 'solution.php:2',
    identity: (starter) => starter.replace(/return [^;]+;/, 'return $x;'),
  },
};
