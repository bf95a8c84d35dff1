/**
 * Writing a figure (plot.ts) to a file: SVG, or PNG when the path ends in .png. The one part of
 * pictures/ that touches files; plot.ts itself reaches no Deno API, so pages draw with it.
 */
import { writeFileAtomic } from "../io/write.ts";
import type { Figure } from "./plot.ts";

/** Writes the figure's SVG, or its PNG when the path ends in .png; atomically. */
export async function saveFigure(figure: Figure, path: string): Promise<void> {
  await writeFileAtomic(path, path.toLowerCase().endsWith(".png") ? figure.png : figure.svg);
}
