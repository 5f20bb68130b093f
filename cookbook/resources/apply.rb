# runitctl_apply: the node's one services.yaml. runitctl_service resources add themselves to
# runitctl_apply[default]; at the end of the run it writes the spec (JSON, which is YAML),
# validates it with `runitctl check` before it replaces the old one, asks
# `runitctl plan --format json`, and runs `runitctl apply` only when plan exits 2. It is
# updated (and notifies its subscribers) only then, or when the spec file itself changed.
# node.run_state['runitctl'] holds the plan: 'changed_services', 'plan' (a RunitctlCookbook::Plan).

unified_mode true
provides :runitctl_apply

property :services, Hash, default: lazy { {} }
property :spec_path, String, default: lazy { node['runitctl']['spec_path'] }
property :bin, String, default: lazy { node['runitctl']['bin'] }
property :root, [String, nil], default: lazy { node['runitctl']['root'] }
property :project, [String, nil], default: lazy { node['runitctl']['project'] }
property :sv_dir, [String, nil], default: lazy { node['runitctl']['sv_dir'] }
property :service_dir, [String, nil], default: lazy { node['runitctl']['service_dir'] }
property :supervisor, [String, nil], default: lazy { node['runitctl']['supervisor'] }
property :wait, [true, false], default: lazy { node['runitctl']['wait'] }
property :timeout, [Integer, nil], default: lazy { node['runitctl']['timeout'] }

default_action :apply

action :apply do
  lib = RunitctlCookbook
  spec = lib::Spec.build(new_resource.services, project: new_resource.project, sv_dir: new_resource.sv_dir,
                                                service_dir: new_resource.service_dir, supervisor: new_resource.supervisor)
  json = lib::Spec.to_json(spec)
  path = new_resource.spec_path
  candidate = "#{path}.new"

  directory ::File.dirname(path) do
    recursive true
    mode '0755'
  end

  # Validate first: a spec runitctl rejects never replaces the one in place. The scratch copy
  # (beside the spec, so relative template paths resolve the same) is plain Ruby, not a Chef
  # resource: writing and removing it must not count as a change that notifies subscribers.
  ::File.delete(candidate) if ::File.exist?(candidate)
  begin
    ::File.write(candidate, json, perm: 0o600)
    check = shell_out(*lib::Commands.check(bin: new_resource.bin, spec: candidate, root: new_resource.root))
  ensure
    ::File.delete(candidate) if ::File.exist?(candidate)
  end
  raise lib::Error, "runitctl check rejected the spec:\n#{check.stderr}#{check.stdout}" unless check.exitstatus == 0

  file path do
    content json
    mode '0600'
    sensitive true # env values are often secrets
  end

  result = shell_out(*lib::Commands.plan(bin: new_resource.bin, spec: path, root: new_resource.root))
  plan = lib::Plan.from_result(result.exitstatus, result.stdout, result.stderr)
  node.run_state['runitctl'] = { 'plan' => plan, 'changed_services' => plan.changed_services }

  if plan.changed?
    converge_by("runitctl apply #{path}: #{plan.describe}") do
      cmd = lib::Commands.apply(bin: new_resource.bin, spec: path, root: new_resource.root,
                                wait: new_resource.wait, timeout: new_resource.timeout)
      applied = shell_out(*cmd, timeout: 3600)
      raise lib::Error, "runitctl apply failed (exit #{applied.exitstatus}):\n#{applied.stderr}#{applied.stdout}" unless applied.exitstatus == 0
    end
  end
end
