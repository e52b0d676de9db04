{{/* Names and labels. */}}
{{- define "registry.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "registry.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- $name := default .Chart.Name .Values.nameOverride -}}
{{- if contains $name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{- define "registry.selectorLabels" -}}
app.kubernetes.io/name: {{ include "registry.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "registry.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{ include "registry.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end -}}

{{- define "registry.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "registry.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- default "default" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{- define "registry.image" -}}
{{- if not .Values.image.repository -}}
{{- fail "image.repository is required: no public image of the registry exists yet. Build and push one from a clone with `deploy/image/build.sh --to docker://<registry>/<repository>:<tag>` (docs/deploy-image.md) and set image.repository (and image.tag)" -}}
{{- end -}}
{{- if .Values.image.digest -}}
{{- printf "%s@%s" .Values.image.repository .Values.image.digest -}}
{{- else -}}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag | toString) -}}
{{- end -}}
{{- end -}}

{{/* Embedded storage: H2 or blobs on the local filesystem (the PersistentVolumeClaim at /data). */}}
{{- define "registry.embedded" -}}
{{- if or (eq .Values.database.type "embedded") (eq .Values.storage.type "filesystem") -}}true{{- end -}}
{{- end -}}

{{/* The Deployment's replicas as the chart will run them: autoscaling's maximum when it is on. */}}
{{- define "registry.maxReplicas" -}}
{{- if .Values.autoscaling.enabled -}}{{ .Values.autoscaling.maxReplicas | int }}{{- else -}}{{ .Values.replicaCount | int }}{{- end -}}
{{- end -}}

{{/* The production shape: more than one pod (or autoscaling). */}}
{{- define "registry.scaled" -}}
{{- if or .Values.autoscaling.enabled (gt (.Values.replicaCount | int) 1) -}}true{{- end -}}
{{- end -}}

{{/* Refusals that values.schema.json cannot express. Included by the Deployment. */}}
{{- define "registry.validate" -}}
{{- if and (include "registry.embedded" .) (gt (include "registry.maxReplicas" . | int) 1) -}}
{{- $why := list -}}
{{- if eq .Values.database.type "embedded" -}}{{- $why = append $why "database.type=embedded (H2 opens its file in one process)" -}}{{- end -}}
{{- if eq .Values.storage.type "filesystem" -}}{{- $why = append $why "storage.type=filesystem (blobs on one ReadWriteOnce volume)" -}}{{- end -}}
{{- fail (printf "embedded storage runs exactly one replica, but %s asks for %s: %s. Use database.type=postgresql and storage.type=s3 for several replicas, or set replicaCount=1 and autoscaling.enabled=false" (ternary "autoscaling.maxReplicas" "replicaCount" .Values.autoscaling.enabled) (include "registry.maxReplicas" .) (join " and " $why)) -}}
{{- end -}}
{{- if and (eq .Values.database.type "postgresql") (not .Values.database.postgresql.url) (not .Values.database.postgresql.host) -}}
{{- fail "database.type=postgresql needs database.postgresql.host (or a full database.postgresql.url)" -}}
{{- end -}}
{{- if and (eq .Values.storage.type "s3") (not .Values.storage.s3.bucket) -}}
{{- fail "storage.type=s3 needs storage.s3.bucket (the bucket must exist)" -}}
{{- end -}}
{{- if and .Values.storage.s3.existingSecret (or .Values.storage.s3.accessKey .Values.storage.s3.secretKey) -}}
{{- fail "storage.s3: set either existingSecret or accessKey/secretKey, not both" -}}
{{- end -}}
{{- if ne (empty .Values.storage.s3.accessKey) (empty .Values.storage.s3.secretKey) -}}
{{- fail "storage.s3: accessKey and secretKey go together (leave both empty for the AWS SDK's default credentials chain)" -}}
{{- end -}}
{{- if and .Values.database.postgresql.existingSecret .Values.database.postgresql.password -}}
{{- fail "database.postgresql: set either existingSecret or password, not both" -}}
{{- end -}}
{{- if and .Values.admin.existingSecret .Values.admin.password -}}
{{- fail "admin: set either existingSecret or password, not both" -}}
{{- end -}}
{{- if and .Values.auth.token.existingSecret .Values.auth.token.signingKey -}}
{{- fail "auth.token: set either existingSecret or signingKey, not both" -}}
{{- end -}}
{{- if and .Values.proxy.existingSecret .Values.proxy.secretKey -}}
{{- fail "proxy: set either existingSecret or secretKey, not both" -}}
{{- end -}}
{{- if and .Values.autoscaling.enabled (gt (.Values.autoscaling.minReplicas | int) (.Values.autoscaling.maxReplicas | int)) -}}
{{- fail "autoscaling.minReplicas is larger than autoscaling.maxReplicas" -}}
{{- end -}}
{{- $needed := include "registry.minimumGracePeriod" . | int -}}
{{- if and (not (kindIs "invalid" .Values.shutdown.terminationGracePeriodSeconds)) (lt (.Values.shutdown.terminationGracePeriodSeconds | int) $needed) -}}
{{- fail (printf "shutdown.terminationGracePeriodSeconds=%d is too short: the preStop pause (%d s), the drain delay (%d s), the drain limit (%d s) and the margin (%d s) need %d s; raise it or leave it empty" (.Values.shutdown.terminationGracePeriodSeconds | int) (.Values.shutdown.preStopSleepSeconds | int) (.Values.shutdown.drainDelaySeconds | int) (.Values.shutdown.drainTimeoutSeconds | int) (.Values.shutdown.marginSeconds | int) $needed) -}}
{{- end -}}
{{- end -}}

{{- define "registry.minimumGracePeriod" -}}
{{- add (.Values.shutdown.preStopSleepSeconds | int) (.Values.shutdown.drainDelaySeconds | int) (.Values.shutdown.drainTimeoutSeconds | int) (.Values.shutdown.marginSeconds | int) -}}
{{- end -}}

{{- define "registry.terminationGracePeriodSeconds" -}}
{{- if kindIs "invalid" .Values.shutdown.terminationGracePeriodSeconds -}}
{{- include "registry.minimumGracePeriod" . -}}
{{- else -}}
{{- .Values.shutdown.terminationGracePeriodSeconds | int -}}
{{- end -}}
{{- end -}}

{{/* registry.public-url: explicit, else the first ingress host, else the first HTTPRoute hostname. */}}
{{- define "registry.publicUrl" -}}
{{- if .Values.publicUrl -}}
{{- .Values.publicUrl | trimSuffix "/" -}}
{{- else if and .Values.ingress.enabled .Values.ingress.hosts (index .Values.ingress.hosts 0).host -}}
{{- $host := (index .Values.ingress.hosts 0).host -}}
{{- $tls := false -}}
{{- range .Values.ingress.tls -}}{{- if has $host (default (list) .hosts) -}}{{- $tls = true -}}{{- end -}}{{- end -}}
{{- printf "%s://%s" (ternary "https" "http" $tls) $host -}}
{{- else if and .Values.httpRoute.enabled .Values.httpRoute.hostnames -}}
{{- printf "%s://%s" .Values.httpRoute.scheme (index .Values.httpRoute.hostnames 0) -}}
{{- end -}}
{{- end -}}

{{- define "registry.jdbcUrl" -}}
{{- $pg := .Values.database.postgresql -}}
{{- if $pg.url -}}
{{- $pg.url -}}
{{- else -}}
{{- printf "jdbc:postgresql://%s:%d/%s%s" $pg.host ($pg.port | int) $pg.name (ternary (printf "?%s" $pg.parameters) "" (ne $pg.parameters "")) -}}
{{- end -}}
{{- end -}}

{{/* Does the chart's own Secret hold anything? */}}
{{- define "registry.ownSecret" -}}
{{- $v := .Values -}}
{{- if or $v.admin.password $v.auth.token.signingKey $v.proxy.secretKey (and (eq $v.storage.type "s3") $v.storage.s3.accessKey) (and (eq $v.database.type "postgresql") $v.database.postgresql.password) -}}true{{- end -}}
{{- end -}}

{{/* Is any secret file mounted into /etc/registry/secrets? */}}
{{- define "registry.secretFiles" -}}
{{- $v := .Values -}}
{{- if or (include "registry.ownSecret" .) $v.admin.existingSecret $v.auth.token.existingSecret $v.proxy.existingSecret (and (eq $v.storage.type "s3") $v.storage.s3.existingSecret) (and (eq $v.database.type "postgresql") $v.database.postgresql.existingSecret) -}}true{{- end -}}
{{- end -}}
