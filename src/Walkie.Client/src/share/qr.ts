import qrcode from 'qrcode-generator';

/** The light margin the QR standard asks for: without 4 modules of it, scanners miss the finder patterns. */
export const quietZone = 4;

/** Which modules are dark, row by row. Level M corrects 15 %: glare on a phone screen still scans. */
export function qrModules(text: string): boolean[][] {
  const code = qrcode(0, 'M');
  // The library turns each UTF-16 unit into one byte; handing it UTF-8 bytes keeps any text whole.
  code.addData(String.fromCharCode(...new TextEncoder().encode(text)), 'Byte');
  code.make();
  const count = code.getModuleCount();
  return Array.from({ length: count }, (_, row) => Array.from({ length: count }, (_, col) => code.isDark(row, col)));
}

/** The dark modules as one SVG path, shifted by the quiet zone; each horizontal run of modules is one rectangle. */
export function qrPath(modules: boolean[][], margin = quietZone): string {
  let path = '';
  modules.forEach((row, y) => {
    for (let x = 0; x < row.length; ) {
      if (!row[x]) {
        x++;
        continue;
      }
      let end = x;
      while (row[end]) {
        end++;
      }
      path += `M${x + margin} ${y + margin}h${end - x}v1h${x - end}z`;
      x = end;
    }
  });
  return path;
}

const svgNs = 'http://www.w3.org/2000/svg';

/**
 * The code as an SVG made with DOM calls and presentation attributes: the Content-Security-Policy allows no inline
 * style. Black on its own white square whatever the page's theme, since scanners expect dark modules on light.
 */
export function qrSvg(doc: Document, text: string, label: string): SVGSVGElement {
  const modules = qrModules(text);
  const size = String(modules.length + 2 * quietZone);
  const svg = doc.createElementNS(svgNs, 'svg');
  svg.setAttribute('viewBox', `0 0 ${size} ${size}`);
  svg.setAttribute('role', 'img');
  svg.setAttribute('aria-label', label);
  svg.setAttribute('shape-rendering', 'crispEdges');
  const light = doc.createElementNS(svgNs, 'rect');
  light.setAttribute('width', size);
  light.setAttribute('height', size);
  light.setAttribute('fill', '#ffffff');
  const dark = doc.createElementNS(svgNs, 'path');
  dark.setAttribute('d', qrPath(modules));
  dark.setAttribute('fill', '#000000');
  svg.append(light, dark);
  return svg;
}
