package dev.tandem.postgres.internal.change;

import dev.tandem.plan.Phase;
import dev.tandem.plan.SetReplicaIdentity;
import dev.tandem.plan.StepId;
import dev.tandem.plan.TableName;
import dev.tandem.postgres.LockMode;
import dev.tandem.postgres.internal.RenderedStatement;
import dev.tandem.postgres.internal.Sql;
import dev.tandem.postgres.internal.SqlUnit;
import java.util.List;

/**
 * {@code REPLICA IDENTITY} in expand, with the previous one saved in Tandem's state in the same transaction ({@code d},
 * {@code f}, {@code n}, or {@code i:} and the index's name); rollback sets it back. Catalog-only.
 */
final class SetReplicaIdentityChange implements ChangeRenderer<SetReplicaIdentity> {

    @Override
    public List<SqlUnit> forward(ChangeContext ctx, Phase phase, StepId id, SetReplicaIdentity c) {
        TableName t = ctx.qualify(c.table());
        RenderedStatement save = Units.save(
                ctx,
                id,
                "CASE x.relreplident WHEN 'i' THEN 'i:' || (SELECT ic.relname FROM pg_catalog.pg_index i"
                        + " JOIN pg_catalog.pg_class ic ON ic.oid = i.indexrelid WHERE i.indrelid = x.oid AND"
                        + " i.indisreplident) ELSE x.relreplident::text END FROM pg_catalog.pg_class x WHERE x.oid = "
                        + Sql.literal(Sql.table(t)) + "::pg_catalog.regclass",
                "the previous replica identity, for rollback");
        return List.of(Units.locked(
                phase,
                List.of(id),
                t,
                LockMode.ACCESS_EXCLUSIVE,
                List.of(
                        save,
                        new RenderedStatement(
                                "ALTER TABLE " + Sql.table(t) + " REPLICA IDENTITY "
                                        + c.identity().sql(),
                                LockMode.ACCESS_EXCLUSIVE,
                                t,
                                false,
                                false,
                                "catalog-only")),
                false));
    }

    @Override
    public List<SqlUnit> undo(ChangeContext ctx, StepId id, SetReplicaIdentity c) {
        TableName t = ctx.qualify(c.table());
        String alter = "ALTER TABLE " + Sql.table(t) + " REPLICA IDENTITY ";
        String body = "  IF v IS NULL THEN\n    RAISE EXCEPTION 'the previous replica identity of % was not saved;"
                + " set it by hand', " + Sql.literal(Sql.table(t)) + ";\n  ELSIF v = 'd' THEN\n    " + alter
                + "DEFAULT;\n  ELSIF v = 'f' THEN\n    " + alter + "FULL;\n  ELSIF v = 'n' THEN\n    " + alter
                + "NOTHING;\n  ELSE\n    EXECUTE " + Sql.literal(alter + "USING INDEX ")
                + " || pg_catalog.quote_ident(pg_catalog.substr(v, 3));\n  END IF;\n";
        return List.of(Units.restoreSaved(ctx, id, t, body, "catalog-only: the replica identity saved at expand"));
    }
}
