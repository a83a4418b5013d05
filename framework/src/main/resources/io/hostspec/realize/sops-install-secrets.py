#!/usr/bin/python3
# hostspec's sops-install-secrets (docs/secrets.md): installs the secrets of /etc/hostspec/sops/manifest.json, which
# SopsRealizer renders, into a new generation /run/secrets.d/N on ramfs and points /run/secrets at it. Each secret's
# data key is opened with the age command and the host's age key (delivered by hostspec after the machine starts);
# each value is AES-256-GCM with its key path as additional data, as sops writes it. On the first install of a boot
# it restarts every secret's restartUnits (they may have started before their secrets existed); on later installs
# the switch restarts them (their marker files under /etc/hostspec/sops/restart/ change with the secret).
# Failures print one line "sops-install-secrets: ..." naming the secrets and exit 1.
import base64, grp, hashlib, json, os, pwd, re, shutil, subprocess, sys
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

ENC = re.compile(r"^ENC\[AES256_GCM,data:(.+),iv:(.+),tag:(.+),type:(.+)\]")
ROOT = "/run/secrets.d"
LINK = "/run/secrets"


def fail(message):
    print("sops-install-secrets: " + message, file=sys.stderr, flush=True)
    sys.exit(1)


def main():
    manifest = json.load(open(sys.argv[1]))
    key_file = manifest["keyFile"]
    secrets = manifest["secrets"]
    if not os.path.isfile(key_file):
        fail("no age key at %s: cannot decrypt the secrets %s" % (key_file, ", ".join(s["name"] for s in secrets)))
    keys = {}
    for name, f in manifest["files"].items():
        errors = []
        for enc in f["age"]:
            r = subprocess.run(["age", "-d", "-i", key_file], input=enc.encode(), capture_output=True)
            if r.returncode == 0:
                keys[name] = r.stdout
                break
            errors.append(r.stderr.decode(errors="replace").strip())
        if name not in keys:
            users = [s["name"] for s in secrets if s["file"] == name]
            fail("cannot decrypt the secret%s %s of %s with the age key %s (encrypted to %s): %s" % (
                "s" if len(users) > 1 else "", ", ".join("`%s'" % u for u in users), name, key_file,
                ", ".join(f["recipients"]), "; ".join(sorted(set(errors)))))
    if not os.path.ismount(ROOT):
        os.makedirs(ROOT, mode=0o751, exist_ok=True)
        subprocess.run(["mount", "-t", "ramfs", "-o", "nodev,nosuid,mode=0751", "none", ROOT], check=True)
    generations = sorted(int(d) for d in os.listdir(ROOT) if d.isdigit())
    previous = os.path.join(ROOT, str(generations[-1])) if generations else None
    current = os.path.join(ROOT, str((generations[-1] + 1) if generations else 1))
    os.mkdir(current, 0o751)
    for s in secrets:
        m = ENC.match(s["enc"])
        if not m:
            fail("the secret `%s' is not an encrypted sops value in %s" % (s["name"], s["file"]))
        data, iv, tag = (base64.b64decode(m.group(i)) for i in (1, 2, 3))
        try:
            value = AESGCM(keys[s["file"]]).decrypt(iv, data + tag, s["aad"].encode())
        except Exception:
            fail("the secret `%s' does not decrypt (key `%s' of %s): the file was changed without sops" % (
                s["name"], s["key"], s["file"]))
        target = os.path.join(current, s["name"])
        os.makedirs(os.path.dirname(target), mode=0o751, exist_ok=True)
        fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o400)
        with os.fdopen(fd, "wb") as out:
            out.write(value)
        try:
            uid = pwd.getpwnam(s["owner"]).pw_uid
            gid = grp.getgrnam(s["group"]).gr_gid if s["group"] else pwd.getpwnam(s["owner"]).pw_gid
        except KeyError as e:
            fail("the secret `%s' is owned by %s, which does not exist" % (s["name"], e))
        os.chown(target, uid, gid)
        os.chmod(target, int(s["mode"], 8))
    tmp = LINK + ".hostspec-new"
    if os.path.lexists(tmp):
        os.remove(tmp)
    os.symlink(current, tmp)
    if os.path.isdir(LINK) and not os.path.islink(LINK):
        shutil.rmtree(LINK)
    os.replace(tmp, LINK)
    for s in secrets:
        default = os.path.join(LINK, s["name"])
        if s["path"] != default:
            os.makedirs(os.path.dirname(s["path"]), exist_ok=True)
            if os.path.lexists(s["path"]):
                os.remove(s["path"])
            os.symlink(default, s["path"])
    for g in generations:
        shutil.rmtree(os.path.join(ROOT, str(g)))
    if previous is None:
        units = sorted({u for s in secrets for u in s["restartUnits"]})
        for u in units:
            subprocess.run(["systemctl", "reset-failed", u], capture_output=True)
            subprocess.run(["systemctl", "restart", "--no-block", u], capture_output=True)
    print("sops-install-secrets: installed %d secrets in %s" % (len(secrets), current), flush=True)


main()
