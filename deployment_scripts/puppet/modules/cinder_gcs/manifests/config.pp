# == Class: cinder_gcs::config
#
# Sets the backup driver and every backup_gcs_* option in the [DEFAULT]
# section of cinder.conf, through puppet-cinder's cinder_config type.
# Values arrive checked by cinder_gcs_validate_settings().
#
# === Parameters
#
# [*backup_driver*]
#   (required) Import path of the backup driver.
#
# [*backup_gcs_credential_file*]
#   (required) Absolute path of the service account key file.
#
# [*backup_gcs_project_id*]
#   (required) Google Cloud project that owns the bucket.
#
# [*backup_gcs_bucket*]
#   (required) Bucket that receives the backups.
#
# [*backup_gcs_bucket_location*]
#   (required) Location of a bucket Cinder creates, e.g. 'US'.
#
# [*backup_gcs_storage_class*]
#   (required) Storage class of a bucket Cinder creates, e.g. 'NEARLINE'.
#
# [*backup_gcs_object_size*]
#   (required) Size of each backup object, in bytes.
#
# [*backup_gcs_block_size*]
#   (required) Change-tracking granularity of incremental backups, in bytes.
#
# [*backup_gcs_reader_chunk_size*]
#   (required) Download chunk size, in bytes.
#
# [*backup_gcs_writer_chunk_size*]
#   (required) Upload chunk size in bytes, -1 for a single request.
#
# [*backup_gcs_num_retries*]
#   (required) Number of retries of a failed request.
#
# [*backup_gcs_retry_error_codes*]
#   (required) Comma-separated HTTP codes that are retried; spaces after the
#   commas are dropped, as the option is a list.
#
# [*backup_gcs_user_agent*]
#   (required) User-Agent header of the requests to GCS.
#
# [*backup_gcs_enable_progress_timer*]
#   (required) Whether to send progress notifications (boolean).
#
class cinder_gcs::config (
  $backup_driver,
  $backup_gcs_credential_file,
  $backup_gcs_project_id,
  $backup_gcs_bucket,
  $backup_gcs_bucket_location,
  $backup_gcs_storage_class,
  $backup_gcs_object_size,
  $backup_gcs_block_size,
  $backup_gcs_reader_chunk_size,
  $backup_gcs_writer_chunk_size,
  $backup_gcs_num_retries,
  $backup_gcs_retry_error_codes,
  $backup_gcs_user_agent,
  $backup_gcs_enable_progress_timer,
) {
  $retry_error_codes = regsubst($backup_gcs_retry_error_codes, '\s+', '', 'G')

  cinder_config {
    'DEFAULT/backup_driver':                    value => $backup_driver;
    'DEFAULT/backup_gcs_credential_file':       value => $backup_gcs_credential_file;
    'DEFAULT/backup_gcs_project_id':            value => $backup_gcs_project_id;
    'DEFAULT/backup_gcs_bucket':                value => $backup_gcs_bucket;
    'DEFAULT/backup_gcs_bucket_location':       value => $backup_gcs_bucket_location;
    'DEFAULT/backup_gcs_storage_class':         value => $backup_gcs_storage_class;
    'DEFAULT/backup_gcs_object_size':           value => $backup_gcs_object_size;
    'DEFAULT/backup_gcs_block_size':            value => $backup_gcs_block_size;
    'DEFAULT/backup_gcs_reader_chunk_size':     value => $backup_gcs_reader_chunk_size;
    'DEFAULT/backup_gcs_writer_chunk_size':     value => $backup_gcs_writer_chunk_size;
    'DEFAULT/backup_gcs_num_retries':           value => $backup_gcs_num_retries;
    'DEFAULT/backup_gcs_retry_error_codes':     value => $retry_error_codes;
    'DEFAULT/backup_gcs_user_agent':            value => $backup_gcs_user_agent;
    'DEFAULT/backup_gcs_enable_progress_timer': value => $backup_gcs_enable_progress_timer;
  }
}
