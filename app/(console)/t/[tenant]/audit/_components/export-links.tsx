import { Download } from "lucide-react";
import { buttonClasses } from "@/components/ui/button";

/**
 * Downloads of the view as it is filtered, in CSV or JSONL, streamed by the server. Each export is
 * recorded in the trail, where its entry offers the manifest that re-verifies it offline.
 */
export function ExportLinks({ api, filters }: { api: string; filters: Record<string, string> }) {
  const href = (format: string) => `${api}?${new URLSearchParams({ format, ...filters }).toString()}`;
  return (
    <div className="flex flex-wrap items-center gap-2 text-sm" data-testid="export-links">
      <span className="text-muted-foreground">Export this view:</span>
      <a className={buttonClasses({ variant: "outline", size: "sm" })} href={href("csv")} download>
        <Download className="size-4" aria-hidden />
        CSV
      </a>
      <a className={buttonClasses({ variant: "outline", size: "sm" })} href={href("jsonl")} download>
        <Download className="size-4" aria-hidden />
        JSONL
      </a>
      <span className="text-muted-foreground">Each export is recorded here, with a manifest to verify it offline.</span>
    </div>
  );
}
