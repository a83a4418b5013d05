# hostspec's lib: the part of nixpkgs' lib API that NixOS modules use, written for hostspec.
# <nixpkgs/lib> resolves to this file. Module markers (mkIf, mkMerge, mkOverride, mkOrder) and option
# declarations (mkOption, types.*) are plain sets that hostspec's module system reads; evalModules hands the
# modules to that module system.
let
  b = builtins;

  lib = rec {
    inherit (b) map filter elem length head tail attrNames attrValues hasAttr getAttr isAttrs isList isString
      isInt isBool isFunction isPath concatLists concatMap genList listToAttrs mapAttrs removeAttrs
      intersectAttrs catAttrs zipAttrsWith groupBy partition sort functionArgs toJSON fromJSON readFile
      pathExists readDir substring stringLength replaceStrings split match concatStringsSep typeOf
      seq deepSeq tryEval throw abort trace elemAt all any toString baseNameOf dirOf;
    foldl' = b.foldl';
    isFloat = b.isFloat;

    trivial = { inherit id const; };
    id = x: x;
    const = x: _: x;
    flip = f: a: c: f c a;
    pipe = builtins.foldl' (x: f: f x);
    boolToString = v: if v then "true" else "false";
    min = x: y: if x < y then x else y;
    max = x: y: if x > y then x else y;
    mod = base: int: base - (int * (base / int));
    warn = msg: v: b.trace "warning: ${msg}" v;
    warnIf = c: msg: v: if c then warn msg v else v;
    throwIf = c: msg: v: if c then b.throw msg else v;
    throwIfNot = c: msg: v: if c then v else b.throw msg;
    assertMsg = pred: msg: pred || b.throw msg;
    versionAtLeast = v1: v2: b.compareVersions v1 v2 >= 0;
    versionOlder = v1: v2: b.compareVersions v2 v1 == 1;

    # lists
    optional = cond: elem: if cond then [ elem ] else [ ];
    optionals = cond: elems: if cond then elems else [ ];
    flatten = x: if b.isList x then b.concatMap flatten x else [ x ];
    unique = b.foldl' (acc: e: if b.elem e acc then acc else acc ++ [ e ]) [ ];
    foldl = op: nul: list: b.foldl' op nul list;
    foldr = op: nul: list:
      let len = b.length list;
          fold' = n: if n == len then nul else op (b.elemAt list n) (fold' (n + 1));
      in fold' 0;
    fold = foldr;
    imap0 = f: list: b.genList (n: f n (b.elemAt list n)) (b.length list);
    imap1 = f: list: b.genList (n: f (n + 1) (b.elemAt list n)) (b.length list);
    range = first: last: if first > last then [ ] else b.genList (n: first + n) (last - first + 1);
    last = list: b.elemAt list (b.length list - 1);
    init = list: b.genList (b.elemAt list) (b.length list - 1);
    take = count: list: b.genList (b.elemAt list) (min count (b.length list));
    drop = count: list: let l = b.length list; in
      if count >= l then [ ] else b.genList (n: b.elemAt list (n + count)) (l - count);
    reverseList = xs: let l = b.length xs; in b.genList (n: b.elemAt xs (l - n - 1)) l;
    count = pred: b.foldl' (c: x: if pred x then c + 1 else c) 0;
    findFirst = pred: default: list: let found = b.filter pred list; in
      if found == [ ] then default else b.head found;
    toList = x: if b.isList x then x else [ x ];
    subtractLists = e: b.filter (x: !(b.elem x e));
    intersectLists = e: b.filter (x: b.elem x e);
    naturalSort = b.sort (a: c: a < c);
    lists = { inherit optional optionals flatten unique foldl foldr imap0 imap1 range last init take drop
      reverseList count findFirst toList subtractLists intersectLists; };

    # attribute sets
    nameValuePair = name: value: { inherit name value; };
    filterAttrs = pred: set: b.listToAttrs (b.concatMap (name: let v = set.${name}; in
      if pred name v then [ (nameValuePair name v) ] else [ ]) (b.attrNames set));
    mapAttrs' = f: set: b.listToAttrs (b.map (attr: f attr set.${attr}) (b.attrNames set));
    mapAttrsToList = f: attrs: b.map (name: f name attrs.${name}) (b.attrNames attrs);
    attrsToList = mapAttrsToList nameValuePair;
    genAttrs = names: f: b.listToAttrs (b.map (n: nameValuePair n (f n)) names);
    attrByPath = attrPath: default: e:
      let attr = b.head attrPath; in
      if attrPath == [ ] then e
      else if e ? ${attr} then attrByPath (b.tail attrPath) default e.${attr}
      else default;
    hasAttrByPath = attrPath: e:
      let attr = b.head attrPath; in
      if attrPath == [ ] then true
      else if e ? ${attr} then hasAttrByPath (b.tail attrPath) e.${attr}
      else false;
    getAttrFromPath = attrPath: set:
      attrByPath attrPath (b.throw "cannot find attribute `${b.concatStringsSep "." attrPath}'") set;
    setAttrByPath = attrPath: value:
      let len = b.length attrPath;
          atDepth = n: if n == len then value else { ${b.elemAt attrPath n} = atDepth (n + 1); };
      in atDepth 0;
    recursiveUpdateUntil = pred: lhs: rhs:
      let f = attrPath: b.zipAttrsWith (n: values:
            let here = attrPath ++ [ n ]; in
            if b.length values == 1 || pred here (b.elemAt values 1) (b.head values)
            then b.head values
            else f here values);
      in f [ ] [ rhs lhs ];
    recursiveUpdate = recursiveUpdateUntil (path: lhs: rhs: !(b.isAttrs lhs && b.isAttrs rhs));
    optionalAttrs = cond: as: if cond then as else { };
    foldAttrs = op: nul: list_of_attrs: b.foldl' (acc: a:
      b.foldl' (acc': n: acc' // { ${n} = op a.${n} (acc'.${n} or nul); }) acc (b.attrNames a)) { }
      (reverseList list_of_attrs);
    collect = pred: attrs: if pred attrs then [ attrs ]
      else if b.isAttrs attrs then b.concatMap (collect pred) (b.attrValues attrs) else [ ];
    mapAttrsRecursive = f: set: let
      recurse = path: b.mapAttrs (name: value:
        if b.isAttrs value then recurse (path ++ [ name ]) value else f (path ++ [ name ]) value);
      in recurse [ ] set;
    zipAttrs = b.zipAttrsWith (name: values: values);
    isDerivation = v: b.isAttrs v && (v.type or null) == "derivation";
    attrsets = { inherit nameValuePair filterAttrs mapAttrs' mapAttrsToList genAttrs attrByPath
      hasAttrByPath getAttrFromPath setAttrByPath recursiveUpdate optionalAttrs foldAttrs collect
      mapAttrsRecursive zipAttrs; };

    # strings
    concatStrings = b.concatStringsSep "";
    concatMapStrings = f: list: concatStrings (b.map f list);
    concatMapStringsSep = sep: f: list: b.concatStringsSep sep (b.map f list);
    concatLines = list: concatStrings (b.map (s: s + "\n") list);
    concatImapStringsSep = sep: f: list: b.concatStringsSep sep (imap1 f list);
    optionalString = cond: string: if cond then string else "";
    hasPrefix = pref: str: b.substring 0 (b.stringLength pref) str == pref;
    hasSuffix = suffix: content:
      let lenContent = b.stringLength content; lenSuffix = b.stringLength suffix; in
      lenContent >= lenSuffix && b.substring (lenContent - lenSuffix) lenContent content == suffix;
    hasInfix = infix: content: b.match ".*${escapeRegex infix}.*" "${content}" != null;
    removePrefix = prefix: str:
      let preLen = b.stringLength prefix; in
      if b.substring 0 preLen str == prefix then b.substring preLen (-1) str else str;
    removeSuffix = suffix: str:
      let sufLen = b.stringLength suffix; sLen = b.stringLength str; in
      if sufLen <= sLen && suffix == b.substring (sLen - sufLen) sufLen str
      then b.substring 0 (sLen - sufLen) str else str;
    escapeRegex = b.replaceStrings
      [ "\\" "[" "]" "{" "}" "(" ")" "." "*" "+" "?" "^" "$" "|" ]
      [ "\\\\" "\\[" "\\]" "\\{" "\\}" "\\(" "\\)" "\\." "\\*" "\\+" "\\?" "\\^" "\\$" "\\|" ];
    splitString = sep: s: b.filter b.isString (b.split (escapeRegex sep) s);
    stringToCharacters = s: b.genList (p: b.substring p 1 s) (b.stringLength s);
    lowerChars = stringToCharacters "abcdefghijklmnopqrstuvwxyz";
    upperChars = stringToCharacters "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
    toLower = b.replaceStrings upperChars lowerChars;
    toUpper = b.replaceStrings lowerChars upperChars;
    fileContents = file: removeSuffix "\n" (b.readFile file);
    escapeShellArg = arg: "'${b.replaceStrings [ "'" ] [ "'\\''" ] (b.toString arg)}'";
    escapeShellArgs = concatMapStringsSep " " escapeShellArg;
    strings = { inherit concatStrings concatMapStrings concatMapStringsSep concatLines optionalString
      hasPrefix hasSuffix hasInfix removePrefix removeSuffix splitString toLower toUpper fileContents
      escapeShellArg escapeShellArgs; };

    # module system markers, read by hostspec's module system
    mkIf = condition: content: { _type = "if"; inherit condition content; };
    mkMerge = contents: { _type = "merge"; inherit contents; };
    mkOverride = priority: content: { _type = "override"; inherit priority content; };
    mkOptionDefault = mkOverride 1500;
    mkDefault = mkOverride 1000;
    mkImageMediaOverride = mkOverride 60;
    mkForce = mkOverride 50;
    mkVMOverride = mkOverride 10;
    mkOrder = priority: content: { _type = "order"; inherit priority content; };
    mkBefore = mkOrder 500;
    mkAfter = mkOrder 1500;
    mkOption = attrs: attrs // { _type = "option"; };
    mkEnableOption = name: mkOption {
      default = false;
      example = true;
      description = "Whether to enable ${name}.";
      type = types.bool;
    };
    mkPackageOption = pkgs: name: extra:
      let path = if b.isList name then name else [ name ];
          default = extra.default or path;
          defaultPath = if b.isList default then default else [ default ];
      in mkOption {
        type = types.package;
        description = "The ${b.concatStringsSep "." path} package to use.";
        default = attrByPath defaultPath (b.throw "${b.concatStringsSep "." defaultPath} cannot be found in pkgs") pkgs;
      };
    mkRenamedOptionModule = from: to: {
      _type = "renamed";
      inherit from to;
    };
    mkRemovedOptionModule = optionName: replacementInstructions: { _type = "removed"; inherit optionName; };
    literalExpression = text: { _type = "literalExpression"; inherit text; };
    literalMD = text: { _type = "literalMD"; inherit text; };
    mdDoc = x: x;

    # option types: `hostspec' is the type as hostspec's module system writes it
    types = rec {
      mkType = name: hostspec: extra: { _type = "option-type"; inherit name hostspec; } // extra;
      bool = mkType "bool" "bool" { };
      int = mkType "int" "int" { };
      str = mkType "str" "str" { };
      string = str;
      nonEmptyStr = str;
      singleLineStr = str;
      lines = mkType "lines" "lines" { };
      port = mkType "port" "port" { };
      path = mkType "path" "path" { };
      package = mkType "package" "package" { };
      anything = mkType "anything" "anything" { };
      unspecified = anything;
      raw = anything;
      attrs = mkType "attrs" "anything" { };
      float = mkType "float" "anything" { };
      number = mkType "number" "anything" { };
      ints = {
        unsigned = int; positive = int; u8 = int; u16 = int; u32 = int; s8 = int; s16 = int; s32 = int;
        between = lo: hi: int;
      };
      inherit (ints) between;
      numbers = { between = lo: hi: anything; nonnegative = anything; positive = anything; };
      enum = values: mkType "enum" null { functor.payload = values; };
      strMatching = pattern: mkType "strMatching" "str" { };
      separatedString = sep: mkType "separatedString" (if sep == "\n" then "lines" else "str") { };
      commas = separatedString ",";
      envVar = separatedString ":";
      nullOr = t: mkType "nullOr" "nullOr (${t.hostspec or "anything"})" { nestedTypes.elemType = t; };
      listOf = t: mkType "listOf" "listOf (${t.hostspec or "anything"})" { nestedTypes.elemType = t; };
      attrsOf = t: mkType "attrsOf" "attrsOf (${t.hostspec or "anything"})" { nestedTypes.elemType = t; };
      lazyAttrsOf = attrsOf;
      uniq = t: t;
      unique = { message }: t: t;
      either = t1: t2: mkType "either" "anything" { };
      oneOf = ts: mkType "oneOf" "anything" { };
      coercedTo = from: f: to: to;
      functionTo = t: mkType "functionTo" "anything" { };
      submodule = m: mkType "submodule" null { submodule = m; };
      submoduleWith = args: mkType "submodule" null { submodule = { imports = args.modules or [ ]; }; };
      deferredModule = anything;
    };

    options = { inherit mkOption mkEnableOption mkPackageOption; };
    modules = { inherit mkIf mkMerge mkOverride mkDefault mkForce mkBefore mkAfter mkOrder
      mkRenamedOptionModule evalModules; };

    evalModules = args:
      if b ? hostspecEvalModules then b.hostspecEvalModules (args // { inherit lib; })
      else b.throw "lib.evalModules needs hostspec's module system";
  };
in
lib
