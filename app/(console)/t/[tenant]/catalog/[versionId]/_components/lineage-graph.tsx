import Link from "next/link";
import type { CatalogVersion } from "@/lib/catalog/data";
import type { RolloutStatus } from "@/lib/db/generated/enums";
import { STATUS_OPTIONS, STATUS_PARAMS } from "../../../rollouts/_components/rollout-text";
import { BOX, LineageArrow, LineageArrowHead, LineageBox } from "./lineage-box";

const ROLLOUT_STATUS = Object.fromEntries(STATUS_OPTIONS.map((o) => [STATUS_PARAMS[o.value as keyof typeof STATUS_PARAMS], o.label])) as Record<RolloutStatus, string>;
/** Rollout boxes drawn; the rest are counted in one more box, and all are listed under Approvals. */
const ROLLOUTS_DRAWN = 3;

const day = (d: Date) => d.toISOString().slice(0, 10);

/**
 * Where the version came from and where it went, drawn left to right: dataset → fine-tune job →
 * version → endpoint → its rollouts. The drawing is one image with the chain as its name; the links
 * (the endpoint, each rollout) lie over their boxes as real links, and the full facts follow as a
 * list for screen readers.
 */
export function LineageGraph({ base, v }: { base: string; v: CatalogVersion }) {
  const dataset = v.dataset ? (v.dataset.name ?? v.dataset.uri ?? v.dataset.hash) : null;
  const datasetDetail = v.dataset ? [v.dataset.uri, v.dataset.hash].filter(Boolean).join(", ") : undefined;
  const drawn = v.rollouts.slice(0, ROLLOUTS_DRAWN);
  const more = v.rollouts.length - drawn.length;
  const rows = Math.max(1, drawn.length + (more > 0 ? 1 : 0));
  const height = rows * BOX.row - (BOX.row - BOX.h);
  const width = 5 * BOX.w + 4 * BOX.gap;
  const col = (i: number) => i * (BOX.w + BOX.gap);
  const mid = (height - BOX.h) / 2;
  const rowY = (j: number) => (rows === 1 ? mid : j * BOX.row);
  const vb = { w: width + 2 * BOX.pad, h: height + 2 * BOX.pad };
  const place = (x: number, y: number) => ({
    left: `${((x + BOX.pad) / vb.w) * 100}%`,
    top: `${((y + BOX.pad) / vb.h) * 100}%`,
    width: `${(BOX.w / vb.w) * 100}%`,
    height: `${(BOX.h / vb.h) * 100}%`,
  });
  const rolloutsText = v.rollouts.length
    ? `${v.rollouts.length} rollout${v.rollouts.length === 1 ? "" : "s"} (${v.rollouts.map((r) => ROLLOUT_STATUS[r.status]).join(", ")})`
    : "no rollout recorded";
  const summary = `Lineage: dataset ${dataset ?? "none recorded"}, then fine-tune job ${v.fineTuneJobId ?? "none recorded"}, then version ${v.label}, then endpoint ${v.endpoint.name}, then ${rolloutsText}.`;
  const overlay = "absolute rounded-lg focus-visible:outline-hidden focus-visible:ring-2 focus-visible:ring-ring hover:bg-primary/5";
  return (
    <figure data-testid="lineage" className="overflow-x-auto">
      <div className="relative min-w-[40rem]">
        <svg role="img" aria-label={summary} viewBox={`${-BOX.pad} ${-BOX.pad} ${vb.w} ${vb.h}`} className="block h-auto w-full">
          <LineageArrowHead />
          <LineageBox x={col(0)} y={mid} caption="Dataset" value={dataset} detail={datasetDetail || undefined} />
          <LineageBox x={col(1)} y={mid} caption="Fine-tune job" value={v.fineTuneJobId} />
          <LineageBox x={col(2)} y={mid} caption="This version" value={v.label} detail={v.baseModel ? `from ${v.baseModel}` : undefined} emphasis />
          <LineageBox x={col(3)} y={mid} caption="Endpoint" value={v.endpoint.name} />
          {[0, 1, 2].map((i) => (
            <LineageArrow key={i} from={[col(i) + BOX.w, mid + BOX.h / 2]} to={[col(i + 1), mid + BOX.h / 2]} />
          ))}
          {drawn.length === 0 && <LineageBox x={col(4)} y={mid} caption="Rollout" value={null} />}
          {drawn.map((r, j) => (
            <LineageBox key={r.id} x={col(4)} y={rowY(j)} caption={`Rollout, ${day(r.createdAt)}`} value={ROLLOUT_STATUS[r.status]} detail={r.approvers.length ? `approved by ${r.approvers.join(", ")}` : "no approvals"} />
          ))}
          {more > 0 && <LineageBox x={col(4)} y={rowY(drawn.length)} caption="Older rollouts" value={`${more} more, under Approvals`} />}
          {Array.from({ length: rows }, (_, j) => (
            <LineageArrow key={`r${j}`} from={[col(3) + BOX.w, mid + BOX.h / 2]} to={[col(4), rowY(j) + BOX.h / 2]} />
          ))}
        </svg>
        <Link href={`${base}/endpoints/${v.endpoint.id}`} aria-label={`Endpoint ${v.endpoint.name}`} className={overlay} style={place(col(3), mid)} />
        {drawn.map((r, j) => (
          <Link
            key={r.id}
            href={`${base}/rollouts/${r.id}`}
            aria-label={`Rollout of ${day(r.createdAt)}: ${ROLLOUT_STATUS[r.status]}`}
            data-testid={`lineage-rollout-${r.id}`}
            className={overlay}
            style={place(col(4), rowY(j))}
          />
        ))}
      </div>
      <figcaption className="sr-only">
        <ul>
          <li>Dataset: {v.dataset ? [v.dataset.name, v.dataset.uri, v.dataset.hash].filter(Boolean).join(", ") : "none recorded"}</li>
          <li>Fine-tune job: {v.fineTuneJobId ?? "none recorded"}</li>
          <li>Version: {v.label}{v.baseModel ? `, from base model ${v.baseModel}` : ""}</li>
          <li>Endpoint: {v.endpoint.name}</li>
          <li>Rollouts: {v.rollouts.length ? v.rollouts.map((r) => `${day(r.createdAt)} ${ROLLOUT_STATUS[r.status]}${r.approvers.length ? `, approved by ${r.approvers.join(", ")}` : ""}`).join("; ") : "none recorded"}</li>
        </ul>
      </figcaption>
    </figure>
  );
}
