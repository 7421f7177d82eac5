/**
 * Notification templates (Go templates, Alertmanager 0.25+). Written for the person paged at
 * 3 a.m.: what, how bad, where, and the runbook and dashboard links, one block per alert.
 */
export const TEMPLATE_FILE = 'immigration-ai.tmpl';

export const NOTIFICATION_TEMPLATES = `{{/* Shared by Slack and email. */}}
{{ define "immigrationai.title" -}}
[{{ .Status | toUpper }}{{ if eq .Status "firing" }}:{{ .Alerts.Firing | len }}{{ end }}] {{ .CommonLabels.severity | toUpper }}: {{ .CommonLabels.alertname }}{{ with .CommonLabels.cluster }} ({{ . }}){{ end }}
{{- end }}

{{ define "immigrationai.slack.title" }}{{ template "immigrationai.title" . }}{{ end }}

{{ define "immigrationai.slack.color" -}}
{{ if eq .Status "resolved" }}good{{ else if eq .CommonLabels.severity "critical" }}danger{{ else }}warning{{ end }}
{{- end }}

{{ define "immigrationai.slack.text" -}}
{{ range .Alerts -}}
{{ if eq .Status "firing" }}:rotating_light:{{ else }}:white_check_mark:{{ end }} *{{ .Annotations.summary }}*
{{ .Annotations.description }}
*Severity:* {{ .Labels.severity }} | *Since:* {{ .StartsAt.Format "2006-01-02 15:04 MST" }}{{ if eq .Status "resolved" }} | *Resolved:* {{ .EndsAt.Format "2006-01-02 15:04 MST" }}{{ end }}
{{ with .Annotations.runbook_url }}:book: <{{ . }}|Runbook>{{ end }}{{ with .Annotations.dashboard_url }}   :bar_chart: <{{ . }}|Dashboard>{{ end }}
{{ end -}}
{{- end }}

{{ define "immigrationai.email.subject" }}{{ template "immigrationai.title" . }}{{ end }}

{{ define "immigrationai.email.text" -}}
{{ template "immigrationai.title" . }}
{{ range .Alerts }}
{{ if eq .Status "firing" }}FIRING{{ else }}RESOLVED{{ end }}: {{ .Annotations.summary }}
{{ .Annotations.description }}
Severity: {{ .Labels.severity }}
Since: {{ .StartsAt.Format "2006-01-02 15:04 MST" }}
{{ with .Annotations.runbook_url }}Runbook: {{ . }}
{{ end }}{{ with .Annotations.dashboard_url }}Dashboard: {{ . }}
{{ end }}{{ end }}
{{- end }}

{{ define "immigrationai.email.html" -}}
<!DOCTYPE html>
<html><body style="font-family: Arial, Helvetica, sans-serif; font-size: 15px;">
<h2 style="color: {{ if eq .Status "resolved" }}#2e7d32{{ else if eq .CommonLabels.severity "critical" }}#c62828{{ else }}#ef6c00{{ end }};">{{ template "immigrationai.title" . }}</h2>
{{ range .Alerts }}
<div style="border-left: 4px solid {{ if eq .Status "resolved" }}#2e7d32{{ else if eq .Labels.severity "critical" }}#c62828{{ else }}#ef6c00{{ end }}; padding: 4px 12px; margin: 12px 0;">
<p><strong>{{ if eq .Status "firing" }}FIRING{{ else }}RESOLVED{{ end }}: {{ .Annotations.summary }}</strong></p>
<p>{{ .Annotations.description }}</p>
<p>Severity: <strong>{{ .Labels.severity }}</strong> &middot; since {{ .StartsAt.Format "2006-01-02 15:04 MST" }}</p>
<p>{{ with .Annotations.runbook_url }}<a href="{{ . }}">Runbook</a>{{ end }}{{ with .Annotations.dashboard_url }} &middot; <a href="{{ . }}">Dashboard</a>{{ end }}</p>
</div>
{{ end }}
</body></html>
{{- end }}
`;
