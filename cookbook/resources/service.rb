# runitctl_service: one service of this node's services.yaml.
#
# Declaring it (action :enable, :create or :disable) adds the service to the node-wide
# runitctl_apply[default] resource, which at the end of the run writes the spec, asks
# `runitctl plan` and runs `runitctl apply` only when something changed (exit 2). Subscribe
# to runitctl_apply[default] to react to changes. The sv actions (:start, :restart, …) run
# `runitctl sv VERB` on the service at once. Property names follow the Chef runit cookbook's
# runit_service where they mean the same; the README has the full migration table.
# The logic lives in libraries/runitctl_spec.rb (plain Ruby, tested with minitest).

unified_mode true
provides :runitctl_service

property :service_name, String, name_property: true
# Exactly one of: a command (exec'ed through chpst), a whole run script, a handlebars template.
property :run, String
property :script, String
property :run_template, String
property :user, String
property :group, String
property :cwd, String
property :env, Hash
property :umask, String
property :limits, Hash
property :finish, String
property :check, String
property :control, Hash
property :start_down, [true, false]
property :restart_on_update, [true, false]
property :sv_timeout, Integer
property :start_timeout, Integer
property :instances, Integer
property :port, Integer
# Per-user tree (the runit FAQ's runsvdir-<user> pattern): the service runs as `owner` in
# owner's own runsvdir; sv_dir/service_dir/home set that user's tree.
property :owner, String
property :home, String
property :sv_dir, String
property :service_dir, String
property :log, [true, false]
property :log_dir, String
property :log_user, String
property :log_flags, String
property :log_size, Integer
property :log_num, Integer
property :log_min, Integer
property :log_timeout, Integer
property :log_processor, String
property :log_socket, String
property :log_prefix, String
property :log_config_append, [String, Array]

default_action :enable

SV_VERBS = RunitctlCookbook::Commands::SV_VERBS

action_class do
  def declaration(enabled)
    props = RunitctlCookbook::Spec::PROPERTIES.each_with_object({}) do |p, h|
      next if p == :enabled

      v = new_resource.send(p)
      h[p] = v unless v.nil?
    end
    props.merge(enabled: enabled)
  end

  # Adds this service to runitctl_apply[default] (created on first use, applied at the end).
  def declare(enabled)
    props = declaration(enabled)
    RunitctlCookbook::Spec.service(props) # fail at this resource, not at the end of the run
    with_run_context(:root) do
      edit_resource(:runitctl_apply, 'default') do
        services(services.merge(props[:service_name] => props))
        action :nothing
        delayed_action :apply
      end
    end
  end

  def sv(verb)
    attrs = node['runitctl']
    dir = new_resource.owner ? (new_resource.service_dir || ::File.join(new_resource.home || ::Dir.home(new_resource.owner), 'service')) : (attrs['service_dir'] || '/etc/service')
    names = RunitctlCookbook::Commands.instance_names(new_resource.service_name, new_resource.instances)
    names = names.map { |n| "#{n}/log" } if verb == :reload_log
    path = names.map { |n| RunitctlCookbook::Commands.service_path(name: n, service_dir: dir, root: attrs['root']) }
    cmd = RunitctlCookbook::Commands.sv(bin: attrs['bin'], verb: SV_VERBS.fetch(verb), service_path: path,
                                        timeout: new_resource.sv_timeout)
    if verb == :status
      Chef::Log.info(shell_out(*cmd).stdout)
    else
      converge_by("runitctl sv #{SV_VERBS.fetch(verb)} #{path.join(' ')}") { shell_out!(*cmd) }
    end
  end
end

action :enable do
  declare(true)
end

# The definition without the enable link (runit_service :create).
action :create do
  declare(false)
end

# Keeps the definition, removes the enable link; runsv stops the service (runit_service :disable).
action :disable do
  declare(false)
end

SV_VERBS.each_key do |verb|
  action verb do
    sv(verb)
  end
end
