package org.manilaj.driver;

/**
 * The backend's file system has too little free space for the operation (a create or an extend), checked before
 * anything changed: the share is as it was.
 */
public class NoSpaceException extends DriverException {
    public NoSpaceException(String message) {
        super(message);
    }
}
