/**
 * The setting: its controls, its place in the URL, and `set`, which checks a change and
 * applies it (η at the next iteration; a new size, batch or seed starts over in the worker,
 * which the controls ask about first once the network has trained).
 */
import type { Connection } from "./connection.ts";
import { $, hideNotice, showNotice } from "./dom.ts";
import { LEARNING_RATE_RANGE, MAX_HIDDEN, queryFromSettings, type Settings } from "./settings.ts";
import type { PageState } from "./state.ts";

const slider = () => $<HTMLInputElement>("lr-slider");

/** Writes the setting into the controls (but the one being moved) and the page's address. */
export function syncControls(state: PageState, moving?: HTMLElement): void {
  const { settings } = state;
  $<HTMLInputElement>("lr").value = String(settings.learningRate);
  if (moving !== slider()) slider().value = String(Math.log10(settings.learningRate));
  slider().setAttribute("aria-valuetext", `learning rate ${settings.learningRate}`);
  $<HTMLInputElement>("hidden").value = String(settings.hidden);
  const batch = $<HTMLSelectElement>("batch");
  if (![...batch.options].some((o) => o.value === String(settings.batchSize))) {
    batch.add(new Option(String(settings.batchSize), String(settings.batchSize)));
  }
  batch.value = String(settings.batchSize);
  $<HTMLInputElement>("seed").value = String(settings.seed);
  history.replaceState(null, "", queryFromSettings(settings, state.race) + location.hash);
  const loaded = state.loadedFrom !== undefined;
  $("provenance").hidden = !loaded;
  if (loaded) {
    $("provenance").textContent = `The network shown was loaded from ${state.loadedFrom}: this ` +
      "page's address cannot reproduce it (the address holds the setting, not the weights). " +
      "Download the model to keep it; a new size, batch or seed starts from the seed again.";
  }
}

/** A change of setting refused: the value it names and why. */
function check(next: Settings): void {
  const { learningRate: lr, hidden, seed, batchSize } = next;
  const [low, high] = LEARNING_RATE_RANGE;
  if (!(lr >= low && lr <= high)) {
    throw new RangeError(`learningRate: ${lr} is not a number from ${low} to ${high}`);
  }
  if (!(Number.isInteger(hidden) && hidden >= 1 && hidden <= MAX_HIDDEN)) {
    throw new RangeError(`hidden: ${hidden} is not an integer in 1..${MAX_HIDDEN}`);
  }
  if (!(Number.isInteger(batchSize) && batchSize >= 0)) {
    throw new RangeError(`batchSize: ${batchSize} is not a positive integer`);
  }
  if (!(Number.isInteger(seed) && seed >= 0 && seed < 2 ** 32)) {
    throw new RangeError(`seed: ${seed} is not an integer in 0..2³²−1`);
  }
}

export type Set = (change: Partial<Settings>) => Promise<void>;

/** Whether a change restarts the network (anything but η). */
const restarts = (from: Settings, to: Settings) =>
  from.hidden !== to.hidden || from.batchSize !== to.batchSize || from.seed !== to.seed;

/** The slider moves in tenths of a decade; η keeps two significant digits. */
export const fromSlider = (position: number) => Number((10 ** position).toPrecision(2));

/**
 * `set` for the page and its API, and the controls wired to it; `changed` redraws the digit
 * panels (their "after one step" depends on η); `applied` follows every change (the race
 * starts over with a new size or batch).
 */
export function createSettings(
  state: PageState,
  connection: Connection,
  changed: () => void,
  applied: () => void = () => {},
): Set {
  async function set(change: Partial<Settings>, moving?: HTMLElement): Promise<void> {
    const next = { ...state.settings, ...change };
    check(next);
    if (next.batchSize >= state.trainCount) next.batchSize = 0;
    if (restarts(state.settings, next)) state.loadedFrom = undefined;
    else if (next.learningRate !== state.settings.learningRate && state.status.iteration > 0) {
      state.rateChangedAt ??= state.status.iteration;
    }
    state.settings = next;
    $("address-notices").replaceChildren();
    syncControls(state, moving);
    hideNotice();
    await connection.ask({ type: "set", settings: next });
    if (!state.status.running) changed();
    applied();
  }

  /** Applies a change at once, or first asks when it would throw the trained network away. */
  function confirmRestart(control: HTMLElement, change: Partial<Settings>): void {
    const next = { ...state.settings, ...change };
    const iterations = state.status.iteration;
    if (!restarts(state.settings, next) || iterations === 0) return apply(change, control);
    const box = $("confirm");
    const text = document.createElement("span");
    const what = change.hidden !== undefined
      ? "the number of hidden neurons"
      : change.batchSize !== undefined
      ? "the batch"
      : "the seed";
    text.textContent = `Changing ${what} starts a new network and discards the ${iterations} ` +
      `iteration${iterations === 1 ? "" : "s"} trained so far.`;
    const yes = Object.assign(document.createElement("button"), { textContent: "start over" });
    const no = Object.assign(document.createElement("button"), { textContent: "keep training" });
    yes.addEventListener("click", () => {
      box.hidden = true;
      apply(change, control);
    });
    no.addEventListener("click", () => {
      box.hidden = true;
      syncControls(state);
      control.focus();
    });
    box.replaceChildren(text, " ", yes, " ", no);
    box.hidden = false;
    yes.focus();
  }

  const apply = (change: Partial<Settings>, control: HTMLElement) =>
    void set(change, control).catch((e) => {
      showNotice(e);
      syncControls(state);
    });
  const value = (id: string) => Number($<HTMLInputElement>(id).value);

  slider().min = String(Math.log10(LEARNING_RATE_RANGE[0]));
  slider().max = String(Math.log10(LEARNING_RATE_RANGE[1]));
  slider().addEventListener(
    "input",
    () => apply({ learningRate: fromSlider(value("lr-slider")) }, slider()),
  );
  $("lr").addEventListener("change", () => apply({ learningRate: value("lr") }, $("lr")));
  for (const [id, key] of [["hidden", "hidden"], ["batch", "batchSize"], ["seed", "seed"]]) {
    $(id).addEventListener("change", () => confirmRestart($(id), { [key]: value(id) }));
  }
  return (change) => set(change);
}
