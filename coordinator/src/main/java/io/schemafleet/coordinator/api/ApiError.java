package io.schemafleet.coordinator.api;

/**
 * The body of every error answer: {@code {"error":{"type":…,"message":…}}}.
 *
 * @param error what went wrong
 */
public record ApiError(Detail error) {
    /**
     * @param type    stable code for programs ({@code RevisionFileError}, {@code RevisionConflict}, …)
     * @param message for people; one problem per line
     */
    public record Detail(String type, String message) {
    }

    public static ApiError of(String type, String message) {
        return new ApiError(new Detail(type, message));
    }
}
