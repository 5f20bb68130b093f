# frozen_string_literal: true

# RunitctlCookbook: the logic behind the runitctl cookbook, in plain Ruby (no Chef), so that
# it can be tested with minitest:
#
# * Spec     - builds services.yaml (as JSON, which is YAML) from resource-property hashes,
#              using the Chef runit cookbook's property names where they mean the same.
# * Commands - the runitctl command lines (arrays, never shell strings) for check, plan,
#              apply and sv.
# * Plan     - reads `runitctl plan --format json` and its exit code: changed?, and the
#              supervisor actions per service. Tolerant of keys it does not know.
#
# The Chef-facing layer (resources/, recipes/) only collects properties and runs these.

require 'json'

module RunitctlCookbook
  # A problem with a declaration or with runitctl's answer; the message says what to do.
  class Error < StandardError; end

  module Spec
    # Properties a runitctl_service accepts (runit_service names where the meaning is the same).
    PROPERTIES = %i(
      service_name run script run_template user group cwd env umask limits finish check
      control start_down enabled restart_on_update sv_timeout start_timeout instances port
      owner home sv_dir service_dir
      log log_dir log_user log_flags log_size log_num log_min log_timeout log_processor
      log_socket log_prefix log_config_append
    ).freeze

    # runit_service properties with no runitctl equivalent, and what to do instead.
    UNSUPPORTED = {
      sv_bin: 'runitctl drives the supervisor itself; use `runitctl sv` (or Debian sv) by hand',
      sv_templates: 'runitctl never touches service dirs it did not create; leave packaged ones undeclared',
      lsb_init_dir: 'runitctl writes no /etc/init.d shims; use `runitctl sv VERB /etc/service/NAME`',
      use_init_script_sv_link: 'runitctl writes no /etc/init.d shims',
      run_template_name: 'use `run` (a command), `script` (a whole run script) or `run_template` (handlebars)',
      template_name: 'use `run`, `script` or `run_template`',
      log_template_name: 'the log/run script is generated from the log_* properties',
      check_script_template_name: 'use `check` with the command itself',
      finish_script_template_name: 'use `finish` with the command itself',
      control_template_names: 'use `control` as a Hash: { "t" => "command" }',
      cookbook: 'templates are handlebars files next to the spec (`run_template`)',
      options: 'interpolate in Ruby before passing `run`/`script`',
      default_logger: 'the svlogd logger is always generated (set `log false` for none)',
      supervisor_owner: 'use `owner USER`: the service runs in USER\'s own runsvdir tree',
      supervisor_group: 'use `owner USER`: the service runs in USER\'s own runsvdir tree',
      delete_downfile: 'desired state: `start_down false` removes a down file runitctl wrote',
      sv_verbose: 'runitctl reports every action it takes',
      status_command: 'use `runitctl status`',
    }.freeze

    # runitctl_service actions that declare the service, and whether its enable link exists.
    ENABLED_BY_ACTION = { enable: true, create: false, disable: false }.freeze

    LOG_FLAGS = { '' => 'none', '-t' => 't', '-tt' => 'tt', '-ttt' => 'ttt' }.freeze

    # log_* property => key under `log:`
    LOG_KEYS = {
      log_dir: 'dir', log_user: 'user', log_size: 'size', log_num: 'num', log_min: 'min',
      log_timeout: 'timeout', log_processor: 'processor', log_socket: 'udp', log_prefix: 'prefix'
    }.freeze

    # Plain keys copied under the same name (after the renames below).
    PLAIN = %w(user group cwd umask restart_on_update start_timeout instances port).freeze

    module_function

    # One declaration => [owner or nil, service name, services.yaml entry].
    # `props` is a Hash of property => value (Symbol or String keys); nil values are unset.
    def service(props)
      props = normalize(props)
      name = props.delete(:service_name)
      raise Error, 'runitctl_service: service_name is required' if name.nil? || name.to_s.empty?

      name = name.to_s
      where = "runitctl_service[#{name}]"
      reject_unknown(props, where)
      entry = {}
      add_run(entry, props, where)
      PLAIN.each { |k| entry[k] = props[k.to_sym] unless props[k.to_sym].nil? }
      add_env(entry, props, where)
      entry['limits'] = stringify_keys(props[:limits]) if props[:limits]
      add_scripts(entry, props, where)
      entry['down'] = props[:start_down] unless props[:start_down].nil?
      entry['enabled'] = props[:enabled] unless props[:enabled].nil?
      entry['stop_timeout'] = props[:sv_timeout] unless props[:sv_timeout].nil?
      add_log(entry, props, where)
      owner = props[:owner]&.to_s
      if owner.nil? && (props[:sv_dir] || props[:service_dir] || props[:home])
        raise Error, "#{where}: sv_dir/service_dir/home per service need `owner` (they set that user's tree); " \
                     'for system services set them node-wide (node["runitctl"]["sv_dir"])'
      end
      [owner, name, order(entry)]
    end

    # The whole services.yaml as a Hash. `declarations` is an Array (or name-keyed Hash) of
    # property hashes; the other keyword arguments are the top-level keys (nil: left out).
    def build(declarations, project: nil, sv_dir: nil, service_dir: nil, supervisor: nil, defaults: nil)
      decls = declarations.is_a?(Hash) ? declarations.map { |n, p| { service_name: n }.merge(normalize(p)) } : declarations
      spec = {}
      spec['project'] = project.to_s if project
      spec['sv_dir'] = sv_dir if sv_dir
      spec['service_dir'] = service_dir if service_dir
      spec['supervisor'] = supervisor.to_s if supervisor
      spec['defaults'] = stringify_keys(defaults) if defaults && !defaults.empty?
      system = {}
      users = {}
      seen = {}
      decls.each do |props|
        props = normalize(props)
        owner, name, entry = service(props)
        key = [owner, name]
        raise Error, "runitctl_service[#{name}] is declared twice#{owner ? " for #{owner}" : ''}" if seen[key]

        seen[key] = true
        if owner
          tree = (users[owner] ||= { 'services' => {} })
          { 'home' => :home, 'sv_dir' => :sv_dir, 'service_dir' => :service_dir }.each do |k, prop|
            next if props[prop].nil?
            if tree.key?(k) && tree[k] != props[prop]
              raise Error, "runitctl_service[#{name}]: #{prop} #{props[prop].inspect} conflicts with " \
                           "#{tree[k].inspect} from another service of #{owner}"
            end

            tree[k] = props[prop]
          end
          tree['services'][name] = entry
        else
          system[name] = entry
        end
      end
      spec['services'] = system.sort.to_h
      unless users.empty?
        spec['users'] = users.sort.to_h do |u, t|
          [u, t.reject { |k, _| k == 'services' }.sort.to_h.merge('services' => t['services'].sort.to_h)]
        end
      end
      spec
    end

    # Declarations from node attributes (node['runitctl']['services']: name => properties,
    # with an optional 'action' of enable/create/disable), as the default recipe reads them.
    def from_attributes(services)
      services.map do |name, attrs|
        props = normalize(attrs.to_h)
        action = (props.delete(:action) || :enable).to_sym
        enabled = ENABLED_BY_ACTION.fetch(action) do
          raise Error, "runitctl_service[#{name}]: action #{action} does not declare a service (use enable, create or disable)"
        end
        { service_name: name.to_s }.merge(props).merge(enabled: enabled)
      end
    end

    # services.yaml text: pretty JSON, which YAML 1.2 reads as it is.
    def to_json(spec)
      "#{JSON.pretty_generate(spec)}\n"
    end

    def normalize(props)
      props.each_with_object({}) do |(k, v), h|
        h[k.to_sym] = v unless v.nil?
      end
    end

    def reject_unknown(props, where)
      props.each_key do |k|
        next if PROPERTIES.include?(k)

        hint = UNSUPPORTED[k]
        raise Error, "#{where}: runit_service's `#{k}` has no runitctl equivalent: #{hint}" if hint

        raise Error, "#{where}: unknown property `#{k}`"
      end
    end

    def add_run(entry, props, where)
      given = { 'run' => props[:run], 'script' => props[:script], 'template' => props[:run_template] }
              .reject { |_, v| v.nil? }
      if given.size != 1
        raise Error, "#{where}: set exactly one of run, script, run_template " \
                     "(got #{given.empty? ? 'none' : given.keys.join(', ')})"
      end

      # A `run` command is passed as written: runitctl runs one with shell syntax ($PORT, an
      # `env` key, quotes, pipes) as `chpst … /bin/sh -c CMD`, after chpst has loaded env/.
      entry.merge!(given.transform_values(&:to_s))
    end

    def add_env(entry, props, where)
      env = props[:env]
      return if env.nil? || env.empty?
      raise Error, "#{where}: env must be a Hash" unless env.is_a?(Hash)

      entry['env'] = env.to_h do |k, v|
        raise Error, "#{where}: env #{k}: a value cannot be a #{v.class}" if v.is_a?(Hash) || v.is_a?(Array)

        [k.to_s, v.to_s]
      end.sort.to_h
    end

    def add_scripts(entry, props, where)
      %i(finish check).each do |k|
        v = props[k]
        next if v.nil? || v == false
        if v == true
          raise Error, "#{where}: `#{k} true` took an ERB template in runit_service; give the command itself"
        end

        entry[k.to_s] = v.to_s
      end
      control = props[:control]
      return if control.nil? || control.empty?
      unless control.is_a?(Hash)
        raise Error, "#{where}: control must be a Hash of signal letter => command (runit_service took an Array of letters plus templates)"
      end

      entry['control'] = control.to_h { |k, v| [k.to_s, v.to_s] }.sort.to_h
    end

    def add_log(entry, props, where)
      log_props = props.keys.select { |k| k.to_s.start_with?('log_') }
      if props[:log] == false
        raise Error, "#{where}: log false, but #{log_props.join(', ')} set" unless log_props.empty?

        entry['log'] = false
        return
      end
      log = {}
      LOG_KEYS.each { |prop, key| log[key] = props[prop] unless props[prop].nil? }
      if props[:log_socket].is_a?(Hash)
        raise Error, "#{where}: log_socket must be a String \"host:port\""
      end

      unless props[:log_flags].nil?
        log['timestamps'] = LOG_FLAGS.fetch(props[:log_flags].to_s.strip) do
          raise Error, "#{where}: log_flags #{props[:log_flags].inspect}: runitctl supports only -t, -tt, -ttt or ''"
        end
      end
      append = props[:log_config_append]
      unless append.nil?
        lines = append.is_a?(Array) ? append : append.to_s.split("\n")
        log['filters'] = lines.map(&:to_s).map(&:strip).reject(&:empty?)
      end
      entry['log'] = log unless log.empty?
    end

    KEY_ORDER = %w(run script template user group cwd env umask limits finish check control down
                   enabled restart_on_update stop_timeout start_timeout instances port log).freeze

    def order(entry)
      entry.sort_by { |k, _| KEY_ORDER.index(k) || KEY_ORDER.size }.to_h
    end

    def stringify_keys(value)
      case value
      when Hash then value.to_h { |k, v| [k.to_s, stringify_keys(v)] }
      when Array then value.map { |v| stringify_keys(v) }
      else value
      end
    end

    private_class_method :normalize, :reject_unknown, :add_run, :add_env, :add_scripts, :add_log,
                         :order, :stringify_keys
  end

  # runitctl command lines, as argument arrays (pass them to shell_out / system unsplit).
  module Commands
    # runitctl_service's sv actions => `sv` verbs (runit_service's :reload is sv's
    # force-reload, and :reload_log the same on the log service).
    SV_VERBS = {
      start: 'start', stop: 'stop', restart: 'restart', reload: 'force-reload', reload_log: 'force-reload',
      status: 'status', once: 'once', hup: 'hup', cont: 'cont', term: 'term', kill: 'kill', up: 'up',
      down: 'down', usr1: '1', usr2: '2', int: 'interrupt', quit: 'quit'
    }.freeze

    module_function

    def base(bin, root)
      root ? [bin.to_s, '--root', root.to_s] : [bin.to_s]
    end

    def check(bin:, spec:, root: nil)
      base(bin, root) + ['check', spec.to_s]
    end

    def plan(bin:, spec:, root: nil)
      base(bin, root) + ['plan', '--format', 'json', spec.to_s]
    end

    def apply(bin:, spec:, root: nil, wait: false, timeout: nil)
      cmd = base(bin, root) + ['apply']
      cmd << '--wait' if wait
      cmd += ['--timeout', timeout.to_s] if timeout
      cmd << spec.to_s
    end

    # `runitctl sv [-w SEC] VERB DIR...`, services addressed by absolute paths.
    def sv(bin:, verb:, service_path:, timeout: nil)
      cmd = [bin.to_s, 'sv']
      cmd += ['-w', timeout.to_s] if timeout
      cmd + [verb.to_s] + Array(service_path).map(&:to_s)
    end

    # The service names a declaration expands to: NAME, or NAME-1 … NAME-N with instances N > 1.
    def instance_names(name, instances = nil)
      n = instances.to_i
      n > 1 ? (1..n).map { |i| "#{name}-#{i}" } : [name.to_s]
    end

    # Where a service's enable link lives: `<service_dir>/<name>` (under root when given).
    def service_path(name:, service_dir: '/etc/service', root: nil)
      path = File.join(service_dir, name)
      root ? File.join(root, path) : path
    end
  end

  # What `runitctl plan --format json` said. Exit 0: in sync; 2: changes pending; 1: error.
  class Plan
    EXIT_IN_SYNC = 0
    EXIT_CHANGES = 2

    attr_reader :version, :changes, :services, :summary

    # From a finished `runitctl plan --format json`: its exit status, stdout and stderr.
    def self.from_result(exitstatus, stdout, stderr = '')
      case exitstatus
      when EXIT_IN_SYNC, EXIT_CHANGES
        plan = parse(stdout)
        if plan.changed? != (exitstatus == EXIT_CHANGES)
          raise Error, "runitctl plan exited #{exitstatus} but its JSON says in_sync=#{plan.in_sync?}"
        end

        plan
      else
        detail = stderr.to_s.strip
        detail = stdout.to_s.strip if detail.empty?
        raise Error, "runitctl plan failed (exit #{exitstatus.inspect}): #{detail}"
      end
    end

    # From the JSON text alone.
    def self.parse(text)
      data = JSON.parse(text.to_s)
      raise Error, 'runitctl plan JSON: expected an object' unless data.is_a?(Hash)

      new(data)
    rescue JSON::ParserError => e
      raise Error, "runitctl plan printed no valid JSON: #{e.message.lines.first.to_s.strip}"
    end

    def initialize(data)
      @version = data['version']
      raise Error, "runitctl plan JSON version #{@version.inspect} is not supported (expected 1)" unless @version == 1

      @in_sync = data['in_sync']
      raise Error, 'runitctl plan JSON: in_sync must be true or false' unless [true, false].include?(@in_sync)

      @changes = Array(data['changes'])
      @summary = data['summary'].is_a?(Hash) ? data['summary'] : {}
      @services = Array(data['services']).select { |s| s.is_a?(Hash) && s['name'] }.map do |s|
        { 'name' => s['name'].to_s, 'user' => s['user'], 'created' => s['created'] == true,
          'actions' => Array(s['actions']).map { |a| action_name(a) } }
      end
    end

    def in_sync?
      @in_sync
    end

    def changed?
      !@in_sync
    end

    # Supervisor actions planned for `name` (and `user`, for a per-user service).
    def actions_for(name, user: nil)
      @services.select { |s| s['name'] == name.to_s && (user.nil? || s['user'] == user) }
               .flat_map { |s| s['actions'] }
    end

    # Names of the services the plan touches (plan lists only those), in plan order.
    def changed_services
      @services.map { |s| s['name'] }.uniq
    end

    # Whether the plan creates `name` (runsv will start it; no restart).
    def created?(name, user: nil)
      @services.any? { |s| s['name'] == name.to_s && (user.nil? || s['user'] == user) && s['created'] }
    end

    # One line for logs: "3 changes: web (created), worker (restart), clock".
    def describe
      return 'in sync' if in_sync?

      per = @services.map do |s|
        what = (s['created'] ? ['created'] : []) + s['actions']
        "#{s['user'] ? "#{s['user']}/" : ''}#{s['name']}#{what.empty? ? '' : " (#{what.join(', ')})"}"
      end
      count = @changes.size
      head = "#{count} change#{count == 1 ? '' : 's'}"
      per.empty? ? head : "#{head}: #{per.join(', ')}"
    end

    private

    # An action may be a plain string or an object; take its name.
    def action_name(action)
      return action.to_s unless action.is_a?(Hash)

      (action['action'] || action['kind'] || action['type'] || action['name'] || JSON.generate(action)).to_s
    end
  end
end
