/**
 * The drawing pad: a stroke of the mouse, a finger or a pen; when it is lifted, the ink is
 * preprocessed as MNIST's digits were (lib/data/preprocess.ts) into the digit shown.
 */
import { preprocessDigit } from "../lib/data/preprocess.ts";
import { $ } from "./dom.ts";
import type { PageState } from "./state.ts";

export interface Pad {
  /** Wipes the ink (the digit shown stays). */
  clearInk(): void;
}

/** `changed` redraws the panels after the digit changed. */
export function createPad(state: PageState, changed: () => void): Pad {
  const pad = $<HTMLCanvasElement>("pad");
  const pen = pad.getContext("2d", { willReadFrequently: true })!;
  let last: [number, number] | undefined;

  const clearInk = () => pen.clearRect(0, 0, pad.width, pad.height);
  function point(e: PointerEvent): [number, number] {
    const r = pad.getBoundingClientRect();
    return [
      (e.clientX - r.left) * pad.width / r.width,
      (e.clientY - r.top) * pad.height / r.height,
    ];
  }
  function stroke(to: [number, number]): void {
    pen.lineWidth = 22;
    pen.lineCap = pen.lineJoin = "round";
    pen.strokeStyle = "black";
    pen.beginPath();
    pen.moveTo(...(last ?? to));
    pen.lineTo(...to);
    pen.stroke();
    last = to;
  }
  function setDigit(pixels: Float64Array): void {
    state.digit.pixels = pixels;
    state.digit.trueLabel = state.digit.chosenLabel = undefined;
    changed();
  }
  function lift(): void {
    if (!last) return;
    last = undefined;
    const { data } = pen.getImageData(0, 0, pad.width, pad.height);
    const ink = new Float64Array(pad.width * pad.height);
    for (let i = 0; i < ink.length; i++) ink[i] = data[4 * i + 3] / 255;
    setDigit(preprocessDigit(ink, pad.width, pad.height));
  }

  pad.addEventListener("pointerdown", (e) => {
    pad.setPointerCapture(e.pointerId);
    last = undefined;
    stroke(point(e));
  });
  pad.addEventListener("pointermove", (e) => {
    if (last) stroke(point(e));
  });
  pad.addEventListener("pointerup", lift);
  pad.addEventListener("pointercancel", lift);
  $("clear").addEventListener("click", () => {
    clearInk();
    setDigit(new Float64Array(784));
  });
  return { clearInk };
}
