import Glibc

/// Facts about the generated inputs (rule counts, how many query paths end
/// visible or hidden, line lengths), one tab-separated line each, appended to
/// the file named by `GATEFS_MICRO_FACTS` when it is set. `Benchmarks/run
/// --micro` puts them beside the timings in RESULTS.md.
enum Facts {
    static func record(_ fields: [String]) {
        guard let path = getenv("GATEFS_MICRO_FACTS").map({ String(cString: $0) }), !path.isEmpty,
            let file = fopen(path, "a")
        else { return }
        fputs(fields.joined(separator: "\t") + "\n", file)
        fclose(file)
    }
}
