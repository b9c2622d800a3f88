# == Class: cinder_gcs::credentials
#
# Writes the service account key, readable by the cinder user only.
#
# The content is the key file the operator downloaded, byte for byte,
# decoded from the base64 entered (checked to be a service account key):
# never shown in diffs (show_diff), and never copied into Puppet's file
# bucket (backup), where it would outlive a key rotation.
#
# === Parameters
#
# [*key*]
#   (required) The JSON key file of the service account, in base64.
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
    content   => base64('decode', $key),
    owner     => 'cinder',
    group     => 'cinder',
    mode      => '0600',
    show_diff => false,
    backup    => false,
  }
}
