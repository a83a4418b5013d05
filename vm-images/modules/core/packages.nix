# Tools every appliance has for its administrators.
{ pkgs, ... }:
{
  environment.systemPackages = with pkgs; [ less jq htop ];
}
