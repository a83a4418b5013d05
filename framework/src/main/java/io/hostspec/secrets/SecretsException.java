package io.hostspec.secrets;

/** A SOPS file that cannot be read, decrypted or written; the message names the file, the key or the secret. */
public final class SecretsException extends RuntimeException {

    /** An exception with its message. */
    public SecretsException(String message) {
        super(message);
    }

    /** An exception with its message and cause. */
    public SecretsException(String message, Throwable cause) {
        super(message, cause);
    }
}
