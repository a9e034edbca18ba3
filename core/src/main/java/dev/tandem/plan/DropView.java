package dev.tandem.plan;

import static java.util.Objects.requireNonNull;

/**
 * Drops the view a {@link RenameTable} left under the table's old name, in contract, once the old application version
 * is gone.
 *
 * @param view the view
 */
public record DropView(TableName view) implements SchemaChange {

    /**
     * Checks the component.
     *
     * @param view the view
     */
    public DropView {
        requireNonNull(view, "view");
    }

    @Override
    public <R> R accept(Visitor<R> visitor) {
        return visitor.visitDropView(this);
    }
}
