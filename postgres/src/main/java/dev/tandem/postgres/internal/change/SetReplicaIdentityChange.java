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
        String save = "INSERT INTO " + Units.saved(ctx) + " (plan_id, step_id, value)"
                + " SELECT " + Sql.literal(ctx.planId()) + ", " + Sql.literal(id.value())
                + ", CASE x.relreplident WHEN 'i' THEN 'i:' || (SELECT ic.relname FROM pg_catalog.pg_index i"
                + " JOIN pg_catalog.pg_class ic ON ic.oid = i.indexrelid WHERE i.indrelid = x.oid AND i.indisreplident)"
                + " ELSE x.relreplident::text END FROM pg_catalog.pg_class x WHERE x.oid = "
                + Sql.literal(Sql.table(t)) + "::pg_catalog.regclass"
                + " ON CONFLICT (plan_id, step_id) DO UPDATE SET value = EXCLUDED.value";
        return List.of(Units.locked(
                phase,
                List.of(id),
                t,
                LockMode.ACCESS_EXCLUSIVE,
                List.of(
                        new RenderedStatement(
                                save, LockMode.NONE, null, false, false, "the previous replica identity, for rollback"),
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
        String restore = "DECLARE\n  v text;\nBEGIN\n  SELECT s.value INTO v FROM " + Units.saved(ctx)
                + " s WHERE s.plan_id = " + Sql.literal(ctx.planId()) + " AND s.step_id = " + Sql.literal(id.value())
                + ";\n  IF v IS NULL THEN\n    RAISE EXCEPTION 'the previous replica identity of % was not saved;"
                + " set it by hand', " + Sql.literal(Sql.table(t)) + ";\n  ELSIF v = 'd' THEN\n    " + alter
                + "DEFAULT;\n  ELSIF v = 'f' THEN\n    " + alter + "FULL;\n  ELSIF v = 'n' THEN\n    " + alter
                + "NOTHING;\n  ELSE\n    EXECUTE " + Sql.literal(alter + "USING INDEX ")
                + " || pg_catalog.quote_ident(pg_catalog.substr(v, 3));\n  END IF;\nEND\n";
        return List.of(Units.locked(
                        Phase.EXPAND,
                        List.of(StepId.of(id.value() + "/restore")),
                        t,
                        LockMode.ACCESS_EXCLUSIVE,
                        List.of(new RenderedStatement(
                                "DO " + Sql.dollarQuoted(restore),
                                LockMode.ACCESS_EXCLUSIVE,
                                t,
                                false,
                                false,
                                "catalog-only: the replica identity saved at expand")),
                        true)
                .requiring(id));
    }
}
