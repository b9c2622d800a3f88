# == Class: cinder_gcs::credentials
#
# Writes the service account key, readable by the cinder user only.
#
# The content is the operator's text as entered (it was checked to be a
# service account key): never shown in diffs (show_diff), and never copied
# into Puppet's file bucket (backup), where it would outlive a key rotation.
#
# === Parameters
#
# [*key*]
#   (required) The JSON key document of the service account.
#
# [*path*]
#   (required) The file to write.
#
class cinder_gcs::credentials (
  $key,
  $path,
) {
  file { $path:
    ensure    => file,
    content   => $key,
    owner     => 'cinder',
    group     => 'cinder',
    mode      => '0600',
    show_diff => false,
    backup    => false,
  }
}
