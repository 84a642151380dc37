import { Badge } from "@/components/ui/badge";
import { parametersText } from "@/lib/prompts/compare";
import type { PromptContent } from "@/lib/prompts/schemas";

/** A version's content as values, not inputs: what everyone may read, whatever their role. */
export function PromptView({ content, endpointName }: { content: PromptContent; endpointName: string | null }) {
  const hasParameters = Object.keys(content.parameters).length > 0;
  return (
    <dl className="space-y-4 text-sm" data-testid="prompt-view">
      <div>
        <dt className="mb-1 font-medium">Target endpoint</dt>
        <dd data-testid="view-endpoint">{endpointName ? <code className="font-mono text-xs">{endpointName}</code> : <span className="text-muted-foreground">none</span>}</dd>
      </div>
      <div>
        <dt className="mb-1 font-medium">System prompt</dt>
        <dd>
          {content.system.trim() ? (
            <pre data-testid="view-system" className="whitespace-pre-wrap rounded-md bg-muted p-3 text-sm">{content.system}</pre>
          ) : (
            <span className="text-muted-foreground">none</span>
          )}
        </dd>
      </div>
      <div>
        <dt className="mb-1 font-medium">Messages</dt>
        <dd className="space-y-2">
          {content.messages.length === 0 && <span className="text-muted-foreground">none</span>}
          {content.messages.map((m, i) => (
            <div key={i} data-testid={`view-message-${i + 1}`} className="rounded-md bg-muted p-3">
              <Badge variant="outline" className="mb-1.5">{m.role}</Badge>
              <pre className="whitespace-pre-wrap text-sm">{m.content}</pre>
            </div>
          ))}
        </dd>
      </div>
      <div>
        <dt className="mb-1 font-medium">Parameters</dt>
        <dd>
          {hasParameters ? (
            <pre data-testid="view-parameters" className="overflow-x-auto rounded-md bg-muted p-3 font-mono text-xs">{parametersText(content.parameters)}</pre>
          ) : (
            <span className="text-muted-foreground">none set: the endpoint&apos;s defaults apply</span>
          )}
        </dd>
      </div>
    </dl>
  );
}
