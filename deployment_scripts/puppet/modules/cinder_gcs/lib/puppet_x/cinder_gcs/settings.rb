# The checks behind cinder_gcs_validate_settings(); see that function.
# Ruby 1.9 compatible (Fuel 9 nodes run Puppet 3.8).
require 'base64'
require 'json'

module PuppetX
  module CinderGcs
    module Settings
      STORAGE_CLASSES = %w(
        STANDARD NEARLINE COLDLINE ARCHIVE
        MULTI_REGIONAL REGIONAL DURABLE_REDUCED_AVAILABILITY
      ).freeze
      KEY_SETTING = 'gcs_service_account_key'.freeze

      # The same patterns as the Fuel UI's (environment_config.yaml), anchored
      # with \A and \z where the UI writes ^ and $(?!\n): Ruby's ^ and $
      # match at every line break (tests/test_settings_judges.py holds the
      # two to each other).
      PATTERNS = {
        'backup_gcs_project_id' =>
          [/\A([a-z][a-z0-9.-]*[a-z0-9]:)?[a-z][a-z0-9-]{4,28}[a-z0-9]\z/,
           'must be a project ID: 6-30 lowercase letters, digits or hyphens, starting with a letter'],
        'backup_gcs_bucket' =>
          [/\A(?!goog)(?!.*google)(?!([0-9]{1,3}\.){3}[0-9]{1,3}\z)(?=[a-z0-9].{1,220}[a-z0-9]\z)[a-z0-9_-]{1,63}(\.[a-z0-9_-]{1,63})*\z/,
           'must be a valid bucket name'],
        KEY_SETTING =>
          [%r{\A(?=e)([A-Za-z0-9+/]{4})+([A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?\z},
           'must be the key file in base64, on one line, as "base64 -w0 <key file>" prints it'],
        'backup_gcs_bucket_location' =>
          [/\A([A-Za-z]{2,}[0-9]*|[A-Za-z]+-[A-Za-z]+[0-9]+)\z/,
           'must be a location such as US, EU, NAM4 or europe-west1'],
        'backup_gcs_storage_class' =>
          [/\A(#{STORAGE_CLASSES.join('|')})\z/,
           "must be one of #{STORAGE_CLASSES.join(', ')}"],
        'backup_gcs_user_agent' =>
          [/\A[!-z|~][ -z|~]{0,254}\z/,
           'must be 1-255 printable ASCII characters without braces, not starting with a space'],
        'backup_gcs_retry_error_codes' =>
          [/\A[45][0-9]{2}( *, *[45][0-9]{2})*\z/,
           'must be HTTP status codes from 400 to 599, separated by commas'],
      }.freeze
      # A whole number as the UI's number fields take it: no sign but -1's,
      # no leading zero, at most 12 digits.
      INTEGER = /\A(-1|0|[1-9][0-9]{0,11})\z/

      KEY_FIELDS = %w(project_id private_key_id private_key client_email token_uri).freeze
      PEM = /\A-----BEGIN (RSA )?PRIVATE KEY-----\n.+\n-----END (RSA )?PRIVATE KEY-----\n?\z/m
      GCS_CHUNK = 256 * 1024

      def self.fail_setting(name, why)
        raise Puppet::ParseError, "fuel-plugin-cinder-gcs: setting #{name} #{why}"
      end

      def self.text(settings, name)
        value = settings[name]
        value = nil if value == :undef
        fail_setting(name, 'is missing') if value.nil?
        value = value.to_s
        fail_setting(name, 'is empty') if value.strip.empty?
        value
      end

      # A flag of the module's classes, true or false on Puppet 3 and 4+
      # alike: an empty string is false to Puppet 3 and true to 4+, and the
      # string "false" true to both. The strings "true" and "false" (a
      # quoted Hiera value) are read as what they say.
      def self.boolean(name, value)
        return value if [true, false].include?(value)
        return value == 'true' if %w(true false).include?(value)
        raise Puppet::ParseError, "fuel-plugin-cinder-gcs: #{name} must be true or false"
      end

      def self.integer(settings, name, min, max)
        value = text(settings, name)
        unless value =~ INTEGER && value.to_i >= min && value.to_i <= max
          fail_setting(name, "must be a whole number from #{min} to #{max}")
        end
        value.to_i
      end

      # The key's JSON document, decoded from the base64 PATTERNS checked.
      def self.check_key(settings)
        source = Base64.decode64(text(settings, KEY_SETTING)).force_encoding('UTF-8')
        begin
          raise EncodingError unless source.valid_encoding?
          key = JSON.parse(source)
        rescue JSON::JSONError, EncodingError, ArgumentError
          # The parser's message quotes the text around the error: not shown.
          fail_setting(KEY_SETTING, 'is not the base64 of a JSON key file')
        end
        fail_setting(KEY_SETTING, 'must be a JSON object') unless key.is_a?(Hash)
        unless key['type'] == 'service_account'
          fail_setting(KEY_SETTING, 'must be a key of type "service_account"')
        end
        KEY_FIELDS.each do |field|
          unless key[field].is_a?(String) && !key[field].strip.empty?
            fail_setting(KEY_SETTING, "has no \"#{field}\"")
          end
        end
        unless key['private_key'] =~ PEM
          fail_setting(KEY_SETTING, 'has a "private_key" that is not a PEM private key')
        end
        unless key['client_email'] =~ /\A[^@\s]+@[^@\s]+\z/
          fail_setting(KEY_SETTING, 'has a "client_email" that is not an e-mail address')
        end
        unless key['token_uri'] =~ %r{\Ahttps?://\S+\z}
          fail_setting(KEY_SETTING, 'has a "token_uri" that is not a URL')
        end
      end

      def self.check_sizes(settings)
        object = integer(settings, 'backup_gcs_object_size', 1, 999_999_999_999)
        block = integer(settings, 'backup_gcs_block_size', 1, 999_999_999_999)
        unless (object % block).zero?
          fail_setting('backup_gcs_object_size',
                       "must be a multiple of backup_gcs_block_size (#{block})")
        end
        integer(settings, 'backup_gcs_reader_chunk_size', 1, 999_999_999_999)
        writer = integer(settings, 'backup_gcs_writer_chunk_size', -1, 999_999_999_999)
        unless writer == -1 || (writer > 0 && (writer % GCS_CHUNK).zero?)
          fail_setting('backup_gcs_writer_chunk_size',
                       "must be -1 or a positive multiple of #{GCS_CHUNK}")
        end
      end


      # Nailgun does not enforce the plugin's restriction (it takes an
      # enabled plugin without either back end through its API): without
      # one no node runs cinder-backup, and the Horizon task would show a
      # backup panel that cannot work.
      def self.check_volume_backend(storage)
        storage = {} unless storage.is_a?(Hash)
        enabled = [storage['volumes_lvm'], storage['volumes_ceph']]
        return if enabled.any? { |on| [true, 'true'].include?(on) }
        raise Puppet::ParseError, 'fuel-plugin-cinder-gcs: the plugin is enabled but the environment ' \
          'has no Cinder volume back end: enable "Cinder LVM over iSCSI for volumes" or "Ceph RBD ' \
          'for volumes" (Settings > Storage), or disable the plugin'
      end

      def self.check(settings)
        raise Puppet::ParseError, 'fuel-plugin-cinder-gcs: the plugin settings are not a hash' \
          unless settings.is_a?(Hash)
        PATTERNS.each do |name, (pattern, why)|
          fail_setting(name, why) unless text(settings, name) =~ pattern
          # A number passes the pattern as text, then stops Puppet's own
          # functions (regsubst) with a message that names no setting.
          fail_setting(name, 'must be text: quote it in a Hiera override') unless settings[name].is_a?(String)
        end
        unless [true, false, 'true', 'false'].include?(settings['backup_gcs_enable_progress_timer'])
          fail_setting('backup_gcs_enable_progress_timer', 'must be true or false')
        end
        check_sizes(settings)
        integer(settings, 'backup_gcs_num_retries', 0, 10)
        check_key(settings)
      end
    end
  end
end
