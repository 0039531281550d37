package org.manilaj.csi.controller;

import org.manilaj.csi.CsiErrors;

/**
 * ListVolumes' continuation: the offset of the next entry and the id of the entry before it, so that a
 * page boundary that moved (a share deleted before it) is noticed instead of silently skipping volumes.
 */
record ListToken(int offset, String lastId) {
    static ListToken parse(String text) {
        if (text.isEmpty()) {
            return new ListToken(0, null);
        }
        int colon = text.indexOf(':');
        try {
            int offset = Integer.parseInt(text.substring(0, Math.max(colon, 0)));
            String lastId = text.substring(colon + 1);
            if (offset <= 0 || lastId.isEmpty()) {
                throw new NumberFormatException();
            }
            return new ListToken(offset, lastId);
        } catch (NumberFormatException | StringIndexOutOfBoundsException e) {
            throw CsiErrors.aborted("starting_token " + text + " was not issued by this plugin");
        }
    }

    String text() {
        return offset + ":" + lastId;
    }
}
