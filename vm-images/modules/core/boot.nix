# Kernel settings of the appliance: reboot after a panic, little swapping.
{ lib, ... }:
{
  boot.kernel.sysctl = {
    "kernel.panic" = lib.mkDefault 10;
    "vm.swappiness" = lib.mkDefault 10;
  };
}
