import { describe, expect, it } from 'vitest';
import { savingText } from './saving-text';

describe('savingText', () => {
  it('says everything is saved when nothing waits, whatever the server says', () => {
    expect(savingText(0)).toBe('All changes saved');
    expect(savingText(0, true)).toBe('All changes saved');
  });

  it('counts what is being saved', () => {
    expect(savingText(1)).toBe('Saving 1 change…');
    expect(savingText(3)).toBe('Saving 3 changes…');
  });

  it('when the server cannot reach its database, says why saving waits and that the changes are kept', () => {
    expect(savingText(1, true)).toBe(
      'Saving is delayed: the server cannot reach its database. Your 1 change is kept and will be saved.',
    );
    expect(savingText(4, true)).toBe(
      'Saving is delayed: the server cannot reach its database. Your 4 changes are kept and will be saved.',
    );
  });
});
