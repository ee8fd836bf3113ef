package io.agenttriggers.common.security;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/** Encrypts secrets at rest (endpoint and channel secrets) with AES-256-GCM: {@code version(1) | iv(12) | ciphertext+tag}. */
public final class SecretBox {

    private static final byte VERSION = 1;
    private static final int IV_BYTES = 12;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final SecretKeySpec key;

    public SecretBox(String base64Key) {
        byte[] raw;
        try {
            raw = Base64.getDecoder().decode(base64Key.trim());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("the secrets key is not base64");
        }
        if (raw.length != 32) {
            throw new IllegalArgumentException("the secrets key must be 32 bytes (base64), not " + raw.length);
        }
        key = new SecretKeySpec(raw, "AES");
    }

    public byte[] seal(String secret) {
        try {
            byte[] iv = new byte[IV_BYTES];
            RANDOM.nextBytes(iv);
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(128, iv));
            byte[] sealed = cipher.doFinal(secret.getBytes(StandardCharsets.UTF_8));
            return ByteBuffer.allocate(1 + IV_BYTES + sealed.length).put(VERSION).put(iv).put(sealed).array();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is unavailable", e);
        }
    }

    public String open(byte[] box) {
        if (box == null || box.length < 1 + IV_BYTES + 16 || box[0] != VERSION) {
            throw new IllegalStateException("not a sealed secret");
        }
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(128, box, 1, IV_BYTES));
            return new String(cipher.doFinal(box, 1 + IV_BYTES, box.length - 1 - IV_BYTES), StandardCharsets.UTF_8);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("a secret cannot be decrypted: wrong TRIGGERS_SECRETS_KEY?", e);
        }
    }

    /** A new random secret: 32 bytes, URL-safe base64. */
    public static String generate() {
        byte[] raw = new byte[32];
        RANDOM.nextBytes(raw);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
    }

    /** A new Standard Webhooks signing secret: {@code whsec_} and the base64 of 24 random bytes. */
    public static String generateStandardWebhooks() {
        byte[] raw = new byte[24];
        RANDOM.nextBytes(raw);
        return "whsec_" + Base64.getEncoder().encodeToString(raw);
    }

    /** What may be shown of a secret after creation: its last four characters. */
    public static String hint(String secret) {
        return secret == null || secret.length() < 8 ? "****" : "****" + secret.substring(secret.length() - 4);
    }
}
