#!/bin/sh
# One-shot set-up of MinIO for the registry: the compose service minio-init runs it with MinIO's `mc`
# client at every `docker compose up`; a second run changes nothing. docs/deploy.md, "Compose".
#
# - the bucket, versioned: a blob garbage collection deletes, or an object an upload replaces, stays
#   as a noncurrent version, so the bucket can be brought back to the time of a database dump
#   (docs/deploy.md, "Backups");
# - lifecycle rules: noncurrent versions under blobs/ expire after S3_KEEP_DELETED_DAYS days, those under
#   uploads/ (every append rewrites an upload's state, tail and assembled data) after 1 day;
# - the registry's own account, allowed only what the registry does on that bucket.
set -eu

: "${MINIO_ROOT_USER:?}" "${MINIO_ROOT_PASSWORD:?}" "${S3_BUCKET:?}" "${S3_ACCESS_KEY:?}" "${S3_SECRET_KEY:?}"
: "${S3_KEEP_DELETED_DAYS:?}"

mc alias set local http://minio:9000 "$MINIO_ROOT_USER" "$MINIO_ROOT_PASSWORD"

mc mb --ignore-existing "local/$S3_BUCKET"
mc version enable "local/$S3_BUCKET"

# replace the rules rather than add a second copy of them at every start ("rm" fails when there are none)
mc ilm rule rm --all --force "local/$S3_BUCKET" >/dev/null 2>&1 || true
mc ilm rule add --prefix "blobs/" --noncurrent-expire-days "$S3_KEEP_DELETED_DAYS" "local/$S3_BUCKET"
mc ilm rule add --prefix "uploads/" --noncurrent-expire-days 1 "local/$S3_BUCKET"

policy=$(mktemp)
cat > "$policy" <<POLICY
{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Effect": "Allow",
      "Action": ["s3:GetBucketLocation", "s3:ListBucket", "s3:ListBucketMultipartUploads"],
      "Resource": ["arn:aws:s3:::$S3_BUCKET"]
    },
    {
      "Effect": "Allow",
      "Action": ["s3:GetObject", "s3:PutObject", "s3:DeleteObject", "s3:AbortMultipartUpload",
                 "s3:ListMultipartUploadParts"],
      "Resource": ["arn:aws:s3:::$S3_BUCKET/*"]
    }
  ]
}
POLICY
mc admin user add local "$S3_ACCESS_KEY" "$S3_SECRET_KEY"
mc admin policy create local registry "$policy"
# attaching a policy the user has already is refused; that is the state we want
if ! out=$(mc admin policy attach local registry --user "$S3_ACCESS_KEY" 2>&1); then
  case "$out" in
    *already*) ;;
    *) echo "$out" >&2; exit 1 ;;
  esac
fi
rm -f "$policy"
echo "bucket $S3_BUCKET ready for the registry (account $S3_ACCESS_KEY)"
