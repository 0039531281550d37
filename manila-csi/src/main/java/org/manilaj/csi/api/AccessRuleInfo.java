package org.manilaj.csi.api;

/** One access rule of a share: {@code accessTo} an address, {@code rw} or {@code ro}, and its state. */
public record AccessRuleInfo(String id, String accessType, String accessTo, String accessLevel, String state) {
}
