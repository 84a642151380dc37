/** Where things sit in the lineage drawing, in its viewBox units. */
export const BOX = { w: 168, h: 60, gap: 44, row: 72, pad: 4 } as const;

const shorten = (text: string, max = 22) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

/**
 * One box of the lineage drawing: a caption, and the value or "none recorded" (dashed and grey) when
 * the catalog holds nothing for it. Its <title> carries the whole value, which the box may shorten.
 */
export function LineageBox({ x, y, caption, value, detail, emphasis }: { x: number; y: number; caption: string; value: string | null; detail?: string; emphasis?: boolean }) {
  const missing = value === null;
  return (
    <g>
      <title>{`${caption}: ${value ?? "none recorded"}${detail ? ` (${detail})` : ""}`}</title>
      <rect
        x={x}
        y={y}
        width={BOX.w}
        height={BOX.h}
        rx={8}
        className={missing ? "fill-muted stroke-muted-foreground" : emphasis ? "fill-card stroke-primary" : "fill-card stroke-border"}
        strokeWidth={emphasis ? 2 : 1}
        strokeDasharray={missing ? "4 3" : undefined}
      />
      <text x={x + 12} y={y + 21} fontSize={11} className="fill-muted-foreground">
        {caption}
      </text>
      <text x={x + 12} y={y + 42} fontSize={13} fontWeight={missing ? 400 : 600} className={missing ? "fill-muted-foreground" : "fill-foreground"}>
        {shorten(value ?? "none recorded")}
      </text>
    </g>
  );
}

/** An arrow from the right edge of one box to the left edge of another. */
export function LineageArrow({ from, to }: { from: [number, number]; to: [number, number] }) {
  return <line x1={from[0]} y1={from[1]} x2={to[0] - 3} y2={to[1]} className="stroke-muted-foreground" strokeWidth={1.5} markerEnd="url(#lineage-arrow)" />;
}

/** The arrowhead the arrows share; the drawing appears once a page. */
export function LineageArrowHead() {
  return (
    <defs>
      <marker id="lineage-arrow" viewBox="0 0 10 10" refX={8} refY={5} markerWidth={8} markerHeight={8} orient="auto-start-reverse">
        <path d="M 0 0 L 10 5 L 0 10 z" className="fill-muted-foreground" />
      </marker>
    </defs>
  );
}
