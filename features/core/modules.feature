@eval
Feature: Composing modules: priorities, overrides, conflicts, references and errors
  Hosts are composed from modules with the semantics of the NixOS module system. A docstring that configures a host
  is a module; several docstrings for the same host are separate modules composed together. The modules named here
  come from the workstation library in vm-images/modules. Nothing is booted: these scenarios only evaluate.

  Scenario: An option nobody defines has its declared default
    Given a host "web"
    Then the option "networking.firewall.enable" of "web" is "true"
    And the option "networking.firewall.allowedTCPPorts" of "web" is "[]"
    And the option "i18n.defaultLocale" of "web" is "C.UTF-8"

  Scenario: The scenario's host name is the host name unless a module sets one, even with mkDefault
    Given a host "web"
    And the host "db" is configured with:
      """
      [[config]]
      priority = "default"
      "networking.hostName" = "database"
      """
    Then the option "networking.hostName" of "web" is "web"
    And the option "networking.hostName" of "db" is "database"

  Scenario: A plain definition beats mkDefault
    Given the host "h" is configured with:
      """
      [[config]]
      priority = "default"
      "networking.hostName" = "fallback"
      """
    And the host "h" is configured with:
      """
      "networking.hostName" = "web"
      """
    Then the option "networking.hostName" of "h" is "web"

  Scenario: mkForce beats a plain definition, and a smaller number beats mkForce
    Given the host "h" is configured with:
      """
      "networking.hostName" = "plain"
      "time.timeZone" = "UTC"

      [[config]]
      priority = "force"
      "networking.hostName" = "forced"
      "time.timeZone" = "Europe/Paris"

      [[config]]
      priority = 10
      "time.timeZone" = "Asia/Tokyo"
      """
    Then the option "networking.hostName" of "h" is "forced"
    And the option "time.timeZone" of "h" is "Asia/Tokyo"

  Scenario: A target overrides a library module's mkDefault
    Given a host "h" with the modules "workstation/base"
    And the host "h" is configured with:
      """
      "networking.hostName" = "laptop"
      "virtualisation.memorySize" = 4096
      """
    Then the option "networking.hostName" of "h" is "laptop"
    And the option "virtualisation.memorySize" of "h" is "4096"
    And the option "time.timeZone" of "h" is "UTC"

  Scenario: A host file can be extended and overridden by a docstring
    Given the host "x" from "hosts/wsl"
    And the host "x" is configured with:
      """
      [[config]]
      priority = "force"
      "services.openssh.enable" = true
      """
    Then the option "services.openssh.enable" of "x" is "true"
    And the option "networking.hostName" of "x" is "wsl"

  Scenario: Two different values at the same priority conflict
    Given the host "h" is configured with:
      """
      "networking.hostName" = "a"
      """
    And the host "h" is configured with:
      """
      "networking.hostName" = "b"
      """
    Then the configuration of "h" is rejected with "conflicting definition values"

  Scenario: Two mkDefault values conflict as well
    Given a host "h" with the modules "workstation/base"
    And the host "h" is configured with:
      """
      [[config]]
      priority = "default"
      "virtualisation.memorySize" = 512
      """
    Then the configuration of "h" is rejected with "The option `virtualisation.memorySize' has conflicting definition values"

  Scenario: Equal values do not conflict
    Given the host "h" is configured with:
      """
      "networking.hostName" = "same"
      """
    And the host "h" is configured with:
      """
      "networking.hostName" = "same"
      """
    Then the option "networking.hostName" of "h" is "same"

  Scenario: Lists concatenate in module order, with before and after
    Given the host "h" is configured with:
      """
      "networking.firewall.allowedTCPPorts" = [80]

      [[config]]
      order = "after"
      "networking.firewall.allowedTCPPorts" = [8080]

      [[config]]
      order = "before"
      "networking.firewall.allowedTCPPorts" = [22]
      """
    And the host "h" is configured with:
      """
      "networking.firewall.allowedTCPPorts" = [443]
      """
    Then the option "networking.firewall.allowedTCPPorts" of "h" is "[22, 80, 443, 8080]"

  Scenario: A block with a condition applies only when its bool option is true
    Given the host "h" is configured with:
      """
      [options."demo.web"]
      enable = { type = "bool", default = false, description = "Serve the demo site." }
      tls = { type = "bool", default = false, description = "Also serve HTTPS." }

      [[config]]
      if = "demo.web.enable"
      "networking.firewall.allowedTCPPorts" = [80]

      [[config]]
      if = ["demo.web.enable", "demo.web.tls"]
      "networking.firewall.allowedTCPPorts" = [443]
      """
    And the host "h" is configured with:
      """
      "demo.web.enable" = true
      """
    Then the option "networking.firewall.allowedTCPPorts" of "h" is "[80]"

  Scenario: A reference reads another option's final value and keeps its type when it stands alone
    Given the host "h" is configured with:
      """
      [options.app]
      port = { type = "port", default = 8080, description = "The application's port." }
      url = { type = "str", default = "http://${networking.hostName}:${app.port}/", description = "Where it answers." }

      [[config]]
      "networking.hostName" = "api"
      "networking.firewall.allowedTCPPorts" = ["${app.port}"]
      """
    And the host "h" is configured with:
      """
      "app.port" = 9000
      """
    Then the option "networking.firewall.allowedTCPPorts" of "h" is "[9000]"
    And the option "app.url" of "h" is "http://api:9000/"

  Scenario: Library modules refer to options that targets set
    Given a host "h" with the modules "workstation/base"
    And the host "h" is configured with:
      """
      "workstation.sshPort" = 2200
      """
    Then the option "services.openssh.ports" of "h" is "[2200]"

  Scenario: Submodules are declared with <name> and exist once they are defined
    Given the host "h" is configured with:
      """
      [options."demo.sites.<name>"]
      port = { type = "port", default = 80, description = "The site's port." }
      root = { type = "path", default = "/srv/www", description = "The document root." }

      [[config]]
      "demo.sites.blog.root" = "/srv/blog"
      "demo.sites.shop" = { port = 8443 }
      """
    Then the option "demo.sites.blog.port" of "h" is "80"
    And the option "demo.sites.blog.root" of "h" is "/srv/blog"
    And the option "demo.sites.shop.port" of "h" is "8443"

  Scenario: An attribute set merges by key and takes priorities per key
    Given the host "h" is configured with:
      """
      "boot.kernel.sysctl" = { "vm.swappiness" = 10, "net.ipv4.ip_forward" = 1 }

      [[config]]
      priority = "force"
      "boot.kernel.sysctl"."vm.swappiness" = 60
      """
    And the host "h" is configured with:
      """
      "boot.kernel.sysctl" = { "kernel.panic" = 5 }
      """
    Then the option "boot.kernel.sysctl" of "h" is "{ "kernel.panic" = 5, "net.ipv4.ip_forward" = 1, "vm.swappiness" = 60 }"

  Scenario: An attribute set conflicts per key
    Given the host "h" is configured with:
      """
      "boot.kernel.sysctl"."vm.swappiness" = 10
      """
    And the host "h" is configured with:
      """
      "boot.kernel.sysctl"."vm.swappiness" = 20
      """
    Then the configuration of "h" is rejected with "`boot.kernel.sysctl.vm.swappiness' has conflicting definition values"

  Scenario: An undeclared option is rejected with a suggestion
    Given the host "h" is configured with:
      """
      "networking.hostname" = "web"
      """
    Then the configuration of "h" is rejected with "The option `networking.hostname' does not exist"
    And the configuration of "h" is rejected with "Did you mean `networking.hostName'?"

  Scenario: A missing module is rejected with the importer and a suggestion
    Given the host "h" is configured with:
      """
      imports = ["workstation/bsae"]
      """
    Then the configuration of "h" is rejected with "The module `workstation/bsae' imported at"
    And the configuration of "h" is rejected with "does not exist"
    And the configuration of "h" is rejected with "Did you mean `workstation/base'?"

  Scenario: A value of the wrong type is rejected with the expected type
    Given the host "h" is configured with:
      """
      "networking.firewall.allowedTCPPorts" = [80, "https"]
      """
    Then the configuration of "h" is rejected with "element 2 of the list: expected a port (an integer from 0 to 65535)"

  Scenario: A port out of range is a type error
    Given a host "h" with the modules "workstation/options"
    And the host "h" is configured with:
      """
      "workstation.sshPort" = 70000
      """
    Then the configuration of "h" is rejected with "expected a port"

  Scenario: A value outside an enum is rejected with the allowed values
    Given a host "h" with the modules "profiles/packages"
    And the host "h" is configured with:
      """
      "workstation.profile" = "huge"
      """
    Then the configuration of "h" is rejected with "`workstation.profile' has a wrong value"
    And the configuration of "h" is rejected with "expected one of"

  Scenario: A package name that Debian cannot have is a type error
    Given the host "h" is configured with:
      """
      "environment.systemPackages" = ["Build Essential"]
      """
    Then the configuration of "h" is rejected with "expected a Debian package name"

  Scenario: A condition must name a bool option
    Given the host "h" is configured with:
      """
      [[config]]
      if = "networking.hostName"
      "time.timeZone" = "UTC"
      """
    Then the configuration of "h" is rejected with "`if' must name a bool option"

  Scenario: References that go round in a cycle are reported as the chain
    Given the host "h" is configured with:
      """
      [options.x]
      a = { type = "str", description = "refers to b" }
      b = { type = "str", description = "refers to a" }

      [[config]]
      "x.a" = "${x.b}"
      "x.b" = "pre-${x.a}"
      """
    Then the configuration of "h" is rejected with "cycle"
    And the configuration of "h" is rejected with "`x.a' -> `x.b'"

  Scenario: An option read by a reference but never defined is reported with the reader
    Given the host "h" is configured with:
      """
      [options.app]
      name = { type = "str", description = "No default on purpose." }

      [[config]]
      "networking.hostName" = "${app.name}"
      """
    Then the configuration of "h" is rejected with "`app.name' is used but not defined"

  Scenario: Every error is reported at once
    Given the host "h" is configured with:
      """
      "networking.hostNam" = "x"
      "time.timeZone" = 3
      """
    Then the configuration of "h" is rejected with "2 configuration errors"
    And the configuration of "h" is rejected with "does not exist"
    And the configuration of "h" is rejected with "`time.timeZone' has a wrong value"
