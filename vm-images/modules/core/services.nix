# Base services: a bounded journal.
{ ... }:
{
  environment.etc."systemd/journald.conf.d/nixoa.conf".text = ''
    [Journal]
    SystemMaxUse=64M
  '';
}
