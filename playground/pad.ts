/**
 * The drawing pad: a stroke of the mouse, a finger or a pen; when it is lifted, the ink is
 * preprocessed as MNIST's digits were (lib/data/preprocess.ts) into the digit shown.
 */
import { preprocessDigit } from "../lib/data/preprocess.ts";
import { $ } from "./dom.ts";
import type { PageState } from "./state.ts";
import { INPUTS } from "../lib/maths/network.ts";

/** The pen's width in the pad's pixels (280 × 280, 10 per MNIST pixel). */
const PEN = 22;

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
    pen.beginPath();
    if (last) {
      pen.lineWidth = PEN;
      pen.lineCap = pen.lineJoin = "round";
      pen.strokeStyle = "black";
      pen.moveTo(...last);
      pen.lineTo(...to);
      pen.stroke();
    } else {
      // a canvas strokes no zero-length line: the first point (a click) is a dot
      pen.fillStyle = "black";
      pen.arc(...to, PEN / 2, 0, 2 * Math.PI);
      pen.fill();
    }
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
  const clear = () => {
    clearInk();
    setDigit(new Float64Array(INPUTS));
  };
  $("clear").addEventListener("click", clear);
  // the keyboard's way: a random test digit, or a clean pad
  pad.addEventListener("keydown", (e) => {
    if (e.key === "r" || e.key === "R") $("random").click();
    else if (e.key === "c" || e.key === "C") clear();
    else return;
    e.preventDefault();
  });
  return { clearInk };
}
