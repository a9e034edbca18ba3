package dev.tandem;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;

/**
 * An application's plans, ordered by id: what a deployment runs, and what {@code status} reports on.
 *
 * <p>Ids order the way versions do: runs of digits compare as numbers and everything else character by character, so
 * {@code 2-orders} comes before {@code 10-audit} and {@code 2026-11-02-split} before {@code 2026-11-10-index}. Give
 * plans ids that sort in the order they should run. A plan's id is stored in the database and must never change; a
 * plan that is {@code CONTRACTED} everywhere may be removed from the catalog later, and the executor then reports its
 * stored state as a plan no longer in the code, which is not an error.
 *
 * <pre>{@code
 * PlanCatalog catalog = PlanCatalog.load();            // every PlanProvider on the class path
 * PlanCatalog same = PlanCatalog.of(planA, planB);      // or by hand, in tests
 * }</pre>
 *
 * <p>Instances are immutable and thread-safe.
 */
public final class PlanCatalog {

    /** Compares ids as versions: digit runs numerically, the rest by character. */
    public static final Comparator<String> ID_ORDER = PlanCatalog::compareIds;

    private final List<MigrationPlan> plans;
    private final Map<String, MigrationPlan> byId;

    /** A plan and where it came from, for error messages. */
    private record Entry(MigrationPlan plan, String source) {}

    private PlanCatalog(List<Entry> entries) {
        List<Entry> sorted = new ArrayList<>(entries);
        sorted.sort(Comparator.comparing((Entry e) -> e.plan().id(), ID_ORDER));
        Map<String, Entry> ids = new LinkedHashMap<>();
        List<String> duplicates = new ArrayList<>();
        for (Entry e : sorted) {
            Entry first = ids.putIfAbsent(e.plan().id(), e);
            if (first != null && !first.plan().equals(e.plan())) {
                duplicates.add("'" + e.plan().id() + "' (from " + first.source() + " and " + e.source() + ")");
            }
        }
        if (!duplicates.isEmpty()) {
            throw new IllegalArgumentException("Two different plans have the same id: " + String.join(", ", duplicates)
                    + ". A plan's id identifies it in the database; give one of them another id.");
        }
        Map<String, MigrationPlan> plansById = new LinkedHashMap<>();
        ids.forEach((id, e) -> plansById.put(id, e.plan()));
        this.byId = Map.copyOf(plansById);
        this.plans = List.copyOf(plansById.values());
    }

    /**
     * {@return a catalog of these plans, ordered by id}
     *
     * @param plans the plans; the same plan twice is kept once
     * @throws IllegalArgumentException if two different plans have the same id
     */
    public static PlanCatalog of(MigrationPlan... plans) {
        return of(List.of(plans));
    }

    /**
     * {@return a catalog of these plans, ordered by id}
     *
     * @param plans the plans; the same plan twice is kept once
     * @throws IllegalArgumentException if two different plans have the same id
     */
    public static PlanCatalog of(Collection<MigrationPlan> plans) {
        List<Entry> entries = new ArrayList<>();
        for (MigrationPlan p : plans) {
            entries.add(new Entry(requireNonNull(p, "plan"), "the catalog"));
        }
        return new PlanCatalog(entries);
    }

    /**
     * {@return the plans of every {@link PlanProvider} the thread's context class loader finds}
     *
     * @throws IllegalArgumentException if two different plans have the same id, or a provider cannot be loaded or
     *     fails; the message names the provider
     */
    public static PlanCatalog load() {
        ClassLoader loader = Thread.currentThread().getContextClassLoader();
        return load(loader != null ? loader : PlanCatalog.class.getClassLoader());
    }

    /**
     * {@return the plans of every {@link PlanProvider} this class loader finds}
     *
     * @param loader where to look for {@code META-INF/services/dev.tandem.PlanProvider}
     * @throws IllegalArgumentException if two different plans have the same id, or a provider cannot be loaded or
     *     fails; the message names the provider
     */
    public static PlanCatalog load(ClassLoader loader) {
        requireNonNull(loader, "loader");
        List<Entry> all = new ArrayList<>();
        ServiceLoader<PlanProvider> providers = ServiceLoader.load(PlanProvider.class, loader);
        try {
            for (ServiceLoader.Provider<PlanProvider> p :
                    (Iterable<ServiceLoader.Provider<PlanProvider>>) providers.stream()::iterator) {
                String name = p.type().getName();
                List<MigrationPlan> plans;
                try {
                    plans = p.get().plans();
                } catch (RuntimeException | ServiceConfigurationError e) {
                    throw new IllegalArgumentException("Plan provider " + name + " failed: " + e.getMessage(), e);
                }
                requireNonNull(plans, () -> name + ".plans() returned null");
                for (MigrationPlan plan : plans) {
                    requireNonNull(plan, () -> name + ".plans() returned a null plan");
                    all.add(new Entry(plan, name));
                }
            }
        } catch (ServiceConfigurationError e) {
            throw new IllegalArgumentException(
                    "Could not load a plan provider listed in META-INF/services/" + PlanProvider.class.getName() + ": "
                            + e.getMessage(),
                    e);
        }
        return new PlanCatalog(all);
    }

    /** {@return the plans, ordered by id} */
    public List<MigrationPlan> plans() {
        return plans;
    }

    /** {@return the plans' ids, in order} */
    public List<String> ids() {
        return plans.stream().map(MigrationPlan::id).toList();
    }

    /**
     * {@return the plan with this id, if the catalog has it}
     *
     * @param id the plan's id
     */
    public Optional<MigrationPlan> find(String id) {
        return Optional.ofNullable(byId.get(requireNonNull(id, "id")));
    }

    /**
     * {@return the plan with this id}
     *
     * @param id the plan's id
     * @throws IllegalArgumentException if the catalog has no such plan; the message lists the ids it has
     */
    public MigrationPlan get(String id) {
        return find(id).orElseThrow(() -> new IllegalArgumentException("No plan '" + id + "' in the catalog; it has "
                + (plans.isEmpty()
                        ? "no plans (is a PlanProvider listed in META-INF/services/" + PlanProvider.class.getName()
                                + "?)"
                        : String.join(", ", ids()))));
    }

    /** {@return whether the catalog has no plans} */
    public boolean isEmpty() {
        return plans.isEmpty();
    }

    /** {@return the number of plans} */
    public int size() {
        return plans.size();
    }

    @Override
    public String toString() {
        return "PlanCatalog" + ids();
    }

    private static int compareIds(String a, String b) {
        int i = 0;
        int j = 0;
        while (i < a.length() && j < b.length()) {
            char x = a.charAt(i);
            char y = b.charAt(j);
            if (isDigit(x) && isDigit(y)) {
                int si = i;
                int sj = j;
                while (i < a.length() && isDigit(a.charAt(i))) {
                    i++;
                }
                while (j < b.length() && isDigit(b.charAt(j))) {
                    j++;
                }
                String na = stripZeros(a.substring(si, i));
                String nb = stripZeros(b.substring(sj, j));
                int c = na.length() != nb.length() ? Integer.compare(na.length(), nb.length()) : na.compareTo(nb);
                if (c != 0) {
                    return c;
                }
            } else {
                if (x != y) {
                    return Character.compare(x, y);
                }
                i++;
                j++;
            }
        }
        int c = Integer.compare(a.length() - i, b.length() - j);
        return c != 0 ? c : a.compareTo(b);
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private static String stripZeros(String digits) {
        int k = 0;
        while (k < digits.length() - 1 && digits.charAt(k) == '0') {
            k++;
        }
        return digits.substring(k);
    }
}
