// Exports a recharts chart as PNG without libraries: serialize its <svg> (fonts and colours made
// explicit, as CSS does not travel), draw it on a canvas through a blob: image, canvas.toBlob.
import { saveBlob } from './save-file.js';

/** What is drawn around the chart in the PNG: a title line and a legend. */
export interface PngDecoration {
  title: string;
  legend: readonly { label: string; color: string }[];
  background: string;
  textColor: string;
}

const HEADER_PX = 26;

/**
 * Renders svg (at its on-screen size × scale) under a title and legend line and saves it as fileName; overlay, an SVG
 * laid over svg at its origin, is drawn on top of it.
 */
export async function saveSvgAsPng(svg: SVGSVGElement, fileName: string, decoration: PngDecoration, overlay: SVGSVGElement | null = null, scale = 2): Promise<void> {
  const box = svg.getBoundingClientRect();
  const width = Math.max(1, Math.round(box.width));
  const height = Math.max(1, Math.round(box.height));
  const clone = svg.cloneNode(true) as SVGSVGElement;
  clone.setAttribute('xmlns', 'http://www.w3.org/2000/svg');
  for (const child of overlay?.children ?? []) clone.appendChild(child.cloneNode(true));
  clone.setAttribute('width', String(width));
  clone.setAttribute('height', String(height));
  const font = getComputedStyle(svg).fontFamily || 'sans-serif';
  clone.setAttribute('style', `font-family: ${font}; font-size: 12px`);
  const text = new XMLSerializer().serializeToString(clone);
  const url = URL.createObjectURL(new Blob([text], { type: 'image/svg+xml;charset=utf-8' }));
  try {
    const image = new Image();
    image.decoding = 'async';
    await new Promise<void>((resolve, reject) => {
      image.onload = () => resolve();
      image.onerror = () => reject(new Error('the chart could not be rendered as an image'));
      image.src = url;
    });
    const canvas = document.createElement('canvas');
    canvas.width = width * scale;
    canvas.height = (height + HEADER_PX) * scale;
    const ctx = canvas.getContext('2d');
    if (ctx === null) throw new Error('no 2D canvas available');
    ctx.fillStyle = decoration.background;
    ctx.fillRect(0, 0, canvas.width, canvas.height);
    ctx.scale(scale, scale);
    ctx.font = `600 13px ${font}`;
    ctx.textBaseline = 'middle';
    ctx.fillStyle = decoration.textColor;
    ctx.fillText(decoration.title, 8, HEADER_PX / 2);
    let x = 16 + ctx.measureText(decoration.title).width;
    ctx.font = `12px ${font}`;
    for (const item of decoration.legend) {
      ctx.fillStyle = item.color;
      ctx.fillRect(x, HEADER_PX / 2 - 5, 10, 10);
      ctx.fillStyle = decoration.textColor;
      ctx.fillText(item.label, x + 14, HEADER_PX / 2);
      x += 24 + ctx.measureText(item.label).width;
    }
    ctx.drawImage(image, 0, HEADER_PX, width, height);
    const png = await new Promise<Blob>((resolve, reject) => canvas.toBlob((b) => (b === null ? reject(new Error('PNG encoding failed')) : resolve(b)), 'image/png'));
    saveBlob(png, fileName);
  } finally {
    URL.revokeObjectURL(url);
  }
}

/** The first recharts <svg> inside container, or null. */
export function findChartSvg(container: HTMLElement | null): SVGSVGElement | null {
  return container?.querySelector<SVGSVGElement>('svg.recharts-surface') ?? null;
}
