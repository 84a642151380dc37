import { Breadcrumbs } from "@/components/ui/breadcrumbs";

/** A page's breadcrumbs, title, description and actions. */
export function PageHeader(props: {
  crumbs: { label: string; href?: string }[];
  title: string;
  description?: string;
  actions?: React.ReactNode;
}) {
  return (
    <div className="mb-6 space-y-3">
      <Breadcrumbs items={props.crumbs} />
      <div className="flex flex-wrap items-end justify-between gap-4">
        <div>
          <h1 className="text-2xl font-semibold tracking-tight">{props.title}</h1>
          {props.description && <p className="mt-1 text-sm text-muted-foreground">{props.description}</p>}
        </div>
        {props.actions && <div className="flex items-center gap-2">{props.actions}</div>}
      </div>
    </div>
  );
}
