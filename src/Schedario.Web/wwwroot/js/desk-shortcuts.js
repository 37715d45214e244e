// The outbound desk's outcome shortcuts work wherever the focus is on the page (the phone bar's
// hang-up button included), except while the operator types in a field: there a key is text.
let handler = null;

function typing(el) {
  if (!el) return false;
  const tag = el.tagName;
  return tag === 'INPUT' || tag === 'TEXTAREA' || tag === 'SELECT' || el.isContentEditable;
}

export function start(desk) {
  stop();
  handler = e => {
    if (e.ctrlKey || e.altKey || e.metaKey || e.key.length !== 1 || e.repeat) return;
    if (typing(e.target) || typing(document.activeElement)) return;
    desk.invokeMethodAsync('OnShortcut', e.key);
  };
  document.addEventListener('keydown', handler);
}

export function stop() {
  if (handler) document.removeEventListener('keydown', handler);
  handler = null;
}
