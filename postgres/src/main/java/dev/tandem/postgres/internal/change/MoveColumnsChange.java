package dev.tandem.postgres.internal.change;

import dev.tandem.plan.Identifier;
import dev.tandem.plan.MoveColumns;
import dev.tandem.plan.Phase;
import dev.tandem.plan.StepId;
import dev.tandem.plan.TableName;
import dev.tandem.postgres.LockMode;
import dev.tandem.postgres.internal.ColumnFacts;
import dev.tandem.postgres.internal.ConstraintFacts;
import dev.tandem.postgres.internal.IndexFacts;
import dev.tandem.postgres.internal.MoveTriggers;
import dev.tandem.postgres.internal.RenderedStatement;
import dev.tandem.postgres.internal.Sql;
import dev.tandem.postgres.internal.SqlUnit;
import dev.tandem.postgres.internal.TableFacts;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Expand creates the new table and installs the triggers that keep it and the moved columns equal, in one transaction
 * under SHARE ROW EXCLUSIVE on the source table (reads and row writes go on). Contract drops the triggers in the
 * transaction that drops the columns from the source table (see {@link #finish}). Rollback drops the triggers and the
 * new table.
 */
final class MoveColumnsChange implements ChangeRenderer<MoveColumns> {

    @Override
    public List<SqlUnit> forward(ChangeContext ctx, Phase phase, StepId id, MoveColumns m) {
        TableName source = ctx.qualify(m.table());
        if (phase == Phase.CONTRACT) {
            return List.of(Units.locked(phase, List.of(id), source, LockMode.ACCESS_EXCLUSIVE, finish(ctx, m), false));
        }
        TableFacts facts = ctx.factsOf(m.table())
                .orElseThrow(() -> new IllegalStateException("moving columns needs the facts of " + source.quoted()));
        if (facts.key().size() != 1) {
            throw new IllegalStateException(source.quoted() + " needs a one-column primary key; preflight checks it");
        }
        TableName target = ctx.qualify(m.target());
        Identifier sourceKey = facts.key().get(0).name();
        List<String> parts = new ArrayList<>();
        parts.add(Sql.ident(m.targetKey()) + ' ' + facts.key().get(0).type() + " NOT NULL");
        for (Identifier c : m.columns()) {
            ColumnFacts col = facts.column(c);
            if (col == null) {
                throw new IllegalStateException("column " + c.quoted() + " of " + source.quoted() + " is missing");
            }
            parts.add(Sql.ident(c)
                    + ' '
                    + col.fullType()
                    + (col.collation() == null ? "" : " COLLATE " + col.collation())
                    + (col.defaultSql() == null ? "" : " DEFAULT " + col.defaultSql())
                    + (col.notNull() ? " NOT NULL" : ""));
        }
        parts.add("PRIMARY KEY (" + Sql.ident(m.targetKey()) + ")");
        // the old version deletes and re-keys rows of the source table; their moved part follows
        parts.add("FOREIGN KEY (" + Sql.ident(m.targetKey()) + ") REFERENCES " + Sql.table(source) + " ("
                + Sql.ident(sourceKey) + ") ON DELETE CASCADE ON UPDATE CASCADE");
        List<RenderedStatement> body = new ArrayList<>();
        body.add(new RenderedStatement(
                "CREATE TABLE " + Sql.table(target) + " (\n  " + String.join(",\n  ", parts) + "\n)",
                LockMode.SHARE_ROW_EXCLUSIVE,
                source,
                false,
                false,
                "a new, empty table: its foreign key checks no rows"));
        body.addAll(carried(source, target, facts, m));
        body.add(new RenderedStatement(
                "DO " + Sql.dollarQuoted(ownerAndGrants(source, target, facts.ownerOid(), m)),
                LockMode.NONE,
                null,
                false,
                false,
                "the source table's owner and grants, so that each version's role may write both tables through the"
                        + " triggers (they run as the writer)"));
        body.addAll(new MoveTriggers(ctx.planId(), ctx.stateSchema(), m, source, target, facts).install());
        return List.of(Units.locked(phase, List.of(id), source, LockMode.SHARE_ROW_EXCLUSIVE, body, false));
    }

    /**
     * The moved columns' own constraints and plain indexes, on the new table while it is empty (no scan, no wait): a
     * check, foreign key, unique constraint or index that uses only moved columns. Names are PostgreSQL's defaults for
     * the new table, so none clashes with the source table's, which stay until contract. Constraints and indexes that
     * also use columns that stay are dropped with the columns at contract; explain lists them.
     */
    private static List<RenderedStatement> carried(
            TableName source, TableName target, TableFacts facts, MoveColumns m) {
        List<RenderedStatement> out = new ArrayList<>();
        for (ConstraintFacts k : facts.constraints()) {
            if (k.owner().equals(source)
                    && !k.columns().isEmpty()
                    && m.columns().containsAll(k.columns())) {
                out.add(new RenderedStatement(
                        "ALTER TABLE " + Sql.table(target) + " ADD " + k.definition(),
                        k.foreignKey() ? LockMode.SHARE_ROW_EXCLUSIVE : LockMode.NONE,
                        null,
                        false,
                        false,
                        "carries " + k.name().quoted() + " of " + source.quoted() + " to the empty new table"));
            }
        }
        for (IndexFacts i : facts.indexes()) {
            if (i.primary() || i.partial() || i.expression() || !m.columns().containsAll(i.columns())) {
                continue;
            }
            String sql;
            if (i.unique() && i.constraint() != null) {
                sql = "ALTER TABLE " + Sql.table(target) + " ADD UNIQUE (" + Sql.idents(i.columns()) + ")";
            } else if (i.firstColumnOptions().isBlank()) {
                sql = "CREATE " + (i.unique() ? "UNIQUE " : "") + "INDEX ON " + Sql.table(target) + " USING "
                        + Sql.ident(i.method()) + " (" + Sql.idents(i.columns()) + ")";
            } else {
                continue; // an operator class or collation: listed with what contract drops
            }
            out.add(new RenderedStatement(
                    sql,
                    LockMode.NONE,
                    null,
                    false,
                    false,
                    "carries " + i.name().quoted() + " of " + source.quoted() + " to the empty new table"));
        }
        return out;
    }

    @Override
    public List<SqlUnit> undo(ChangeContext ctx, StepId id, MoveColumns m) {
        TableName source = ctx.qualify(m.table());
        TableName target = ctx.qualify(m.target());
        List<RenderedStatement> body =
                new ArrayList<>(MoveTriggers.drop(ctx.planId(), ctx.stateSchema(), m, source, target));
        body.add(new RenderedStatement(
                "DROP TABLE IF EXISTS " + Sql.table(target),
                LockMode.ACCESS_EXCLUSIVE,
                target,
                false,
                false,
                "what the new version wrote only there is gone; everything it wrote there is also in the source"
                        + " table's columns"));
        return List.of(Units.locked(Phase.EXPAND, List.of(id), source, LockMode.ACCESS_EXCLUSIVE, body, true)
                .requiring(id));
    }

    /**
     * {@return the contract statements that stop the sync, in the source table's drop unit (which holds its ACCESS
     * EXCLUSIVE lock), before its columns are dropped}
     *
     * @param ctx the plan's context
     * @param m the move
     */
    static List<RenderedStatement> finish(ChangeContext ctx, MoveColumns m) {
        TableName source = ctx.qualify(m.table());
        TableName target = ctx.qualify(m.target());
        List<RenderedStatement> out = new ArrayList<>();
        out.add(Units.lock(target, LockMode.ACCESS_EXCLUSIVE));
        out.addAll(MoveTriggers.drop(ctx.planId(), ctx.stateSchema(), m, source, target));
        return out;
    }

    /** The new table gets the source table's owner, and each grantee's privileges on the table and moved columns. */
    private static String ownerAndGrants(TableName source, TableName target, long ownerOid, MoveColumns m) {
        String src = Sql.literal(Sql.table(source)) + "::pg_catalog.regclass";
        String tgt = Sql.literal(Sql.table(target));
        String moved = m.columns().stream().map(c -> Sql.literal(c.value())).collect(Collectors.joining(", "));
        String who = "CASE WHEN a.grantee = 0 THEN 'PUBLIC' ELSE pg_catalog.quote_ident(r.rolname) END";
        return "DECLARE\n  g record;\nBEGIN\n"
                + "  IF (SELECT relowner FROM pg_catalog.pg_class WHERE oid = " + tgt + "::pg_catalog.regclass) <> "
                + ownerOid + "::pg_catalog.oid THEN\n"
                + "    EXECUTE pg_catalog.format('ALTER TABLE %s OWNER TO %I', " + tgt
                + ", (SELECT rolname FROM pg_catalog.pg_roles WHERE oid = " + ownerOid + "::pg_catalog.oid));\n"
                + "  END IF;\n"
                + "  FOR g IN SELECT a.privilege_type AS p, " + who + " AS w FROM pg_catalog.pg_class c,"
                + " pg_catalog.aclexplode(c.relacl) a LEFT JOIN pg_catalog.pg_roles r ON r.oid = a.grantee"
                + " WHERE c.oid = " + src + " AND a.grantee <> c.relowner LOOP\n"
                + "    EXECUTE pg_catalog.format('GRANT %s ON %s TO %s', g.p, " + tgt + ", g.w);\n"
                + "  END LOOP;\n"
                + "  FOR g IN SELECT at.attname AS n, a.privilege_type AS p, " + who + " AS w FROM"
                + " pg_catalog.pg_attribute at, pg_catalog.aclexplode(at.attacl) a LEFT JOIN pg_catalog.pg_roles r"
                + " ON r.oid = a.grantee WHERE at.attrelid = " + src + " AND at.attname IN (" + moved + ") LOOP\n"
                + "    EXECUTE pg_catalog.format('GRANT %s (%I, %I) ON %s TO %s', g.p, "
                + Sql.literal(m.targetKey().value()) + ", g.n, " + tgt + ", g.w);\n"
                + "  END LOOP;\n"
                + "END\n";
    }
}
