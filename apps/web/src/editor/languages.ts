import type { LanguageSupport } from '@codemirror/language';
import type { LanguageId } from '@tandem/protocol';

/**
 * Each language's CodeMirror support, loaded on first use so the first paint
 * carries only the editor core. C has no grammar of its own: the C++ grammar
 * highlights it correctly.
 */
const loaders: Record<LanguageId, () => Promise<LanguageSupport>> = {
  python: () => import('@codemirror/lang-python').then((m) => m.python()),
  javascript: () => import('@codemirror/lang-javascript').then((m) => m.javascript()),
  typescript: () =>
    import('@codemirror/lang-javascript').then((m) => m.javascript({ typescript: true })),
  c: () => import('@codemirror/lang-cpp').then((m) => m.cpp()),
  cpp: () => import('@codemirror/lang-cpp').then((m) => m.cpp()),
  java: () => import('@codemirror/lang-java').then((m) => m.java()),
  go: () => import('@codemirror/lang-go').then((m) => m.go()),
  rust: () => import('@codemirror/lang-rust').then((m) => m.rust()),
};

const loaded = new Map<LanguageId, Promise<LanguageSupport>>();

export function loadLanguage(id: LanguageId): Promise<LanguageSupport> {
  let support = loaded.get(id);
  if (!support) {
    support = loaders[id]();
    // A failed chunk load (flaky network) is retried on the next request.
    support.catch(() => loaded.delete(id));
    loaded.set(id, support);
  }
  return support;
}
