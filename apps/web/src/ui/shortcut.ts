/** Apple keyboards run with Cmd+Enter, the others with Ctrl+Enter; both work everywhere. */
const apple = typeof navigator !== 'undefined' && /Mac|iPhone|iPad/.test(navigator.platform);

/** The run shortcut as the user's keyboard labels it. */
export const RUN_SHORTCUT = apple ? 'Cmd+Enter' : 'Ctrl+Enter';

/** For `aria-keyshortcuts`: every combination that runs. */
export const RUN_KEYSHORTCUTS = 'Control+Enter Meta+Enter';
