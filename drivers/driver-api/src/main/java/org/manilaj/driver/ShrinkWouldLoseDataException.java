package org.manilaj.driver;

/** A shrink was refused because the share holds more data than the new size; nothing changed. */
public class ShrinkWouldLoseDataException extends DriverException {
    public ShrinkWouldLoseDataException(String message) {
        super(message);
    }
}
