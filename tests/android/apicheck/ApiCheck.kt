package vn.canhgiac.tests.apicheck

import org.objectweb.asm.ClassReader
import org.objectweb.asm.ClassVisitor
import org.objectweb.asm.FieldVisitor
import org.objectweb.asm.Handle
import org.objectweb.asm.MethodVisitor
import org.objectweb.asm.Opcodes
import org.objectweb.asm.Type
import java.io.File
import java.util.zip.ZipFile
import kotlin.system.exitProcess

/**
 * Lists every platform class, method and field the app's bytecode refers to, resolved to the
 * class that declares it (a call to getString through MainActivity is Context.getString), and
 * holds the list against two others:
 *  - the reviewed list (platform-api.txt): every entry was checked by hand against the public
 *    API of the app's levels; a new reference fails here until someone has checked it and added
 *    it, and an entry the app no longer uses fails too, so the list stays exactly what is used;
 *  - the framework's own list of hidden members that apps were once seen using (the .uau files
 *    inside android-all, @UnsupportedAppUsage): none may appear.
 * The android-all jar also holds the framework's hidden members, so compiling against it alone
 * would not catch a hidden one.
 * Usage: ApiCheck <app.jar> <android-all.jar> <platform-api.txt> <out dir>
 */
fun main(args: Array<String>) {
    val (appJar, frameworkJar, reviewedFile, outDir) = args
    val framework = ZipFile(frameworkJar)
    val app = readClasses(ZipFile(appJar))
    val frameworkCache = HashMap<String, ClassInfo?>()
    fun info(name: String): ClassInfo? = app[name] ?: frameworkCache.getOrPut(name) {
        framework.getEntry("$name.class")?.let { e -> framework.getInputStream(e).use { readClass(it.readBytes()) } }
    }

    /** The class that declares [name] [desc] as seen from [owner], walking up supertypes. */
    fun declaring(owner: String, name: String, desc: String, field: Boolean): String? {
        val seen = HashSet<String>()
        val queue = ArrayDeque(listOf(owner))
        while (queue.isNotEmpty()) {
            val c = queue.removeFirst()
            if (!seen.add(c)) continue
            val ci = info(c) ?: continue
            if ((if (field) ci.fields else ci.methods).contains(name + desc)) return c
            ci.superName?.let { queue.add(it) }
            queue.addAll(ci.interfaces)
        }
        return null
    }

    val used = sortedSetOf<String>()
    val unresolved = sortedSetOf<String>()
    fun platform(c: String) = !c.startsWith("vn/canhgiac/") && framework.getEntry("$c.class") != null
    fun type(t: Type) {
        val e = if (t.sort == Type.ARRAY) t.elementType else t
        if (e.sort == Type.OBJECT && platform(e.internalName)) used += "class " + e.className
    }
    fun member(owner: String, name: String, desc: String, field: Boolean) {
        if (owner.startsWith("[")) return // clone() on an array
        val d = declaring(owner, name, desc, field)
        if (d == null) {
            if (platform(owner)) unresolved += "$owner.$name$desc"
            return
        }
        if (!platform(d)) return
        val dot = d.replace('/', '.')
        used += if (field) {
            "field $dot.$name"
        } else {
            "method $dot.$name(" + Type.getArgumentTypes(desc).joinToString(", ") { it.className } + ")"
        }
        type(Type.getObjectType(d))
    }

    for (ci in app.values) {
        ci.superName?.let { type(Type.getObjectType(it)) }
        ci.interfaces.forEach { type(Type.getObjectType(it)) }
        for (ref in ci.refs) {
            when (ref) {
                is Ref.Member -> member(ref.owner, ref.name, ref.desc, ref.field)
                is Ref.TypeRef -> type(ref.type)
            }
        }
        // Overrides of platform methods (onScreenCall, onStartJob, ...) are API use too.
        for (m in ci.methods) {
            val name = m.substringBefore('(')
            if (name == "<init>" || name == "<clinit>") continue
            val desc = m.substring(name.length)
            val sup = ci.superName ?: continue
            val d = declaring(sup, name, desc, false) ?: ci.interfaces.firstNotNullOfOrNull { declaring(it, name, desc, false) }
            if (d != null && platform(d)) member(d, name, desc, false)
        }
    }

    // The framework's list of hidden members apps were seen using.
    val hidden = HashSet<String>()
    for (e in framework.entries()) {
        if (!e.name.endsWith(".uau")) continue
        framework.getInputStream(e).bufferedReader().useLines { lines ->
            lines.drop(1).forEach { hidden += it.substringBefore(',') }
        }
    }
    val hiddenUsed = used.filter { dexSignature(it) in hidden }

    val reviewed = File(reviewedFile).readLines().map { it.substringBefore('#').trim() }.filter { it.isNotEmpty() }.toSortedSet()
    File(outDir).mkdirs()
    File(outDir, "used.txt").writeText(used.joinToString("\n", postfix = "\n"))
    val unreviewed = used - reviewed
    val unused = reviewed - used
    var ok = true
    if (unresolved.isNotEmpty()) {
        ok = false
        System.err.println("api-check: platform members the framework of this level does not have:")
        unresolved.forEach { System.err.println("  $it") }
    }
    if (hiddenUsed.isNotEmpty()) {
        ok = false
        System.err.println("api-check: hidden platform members (@UnsupportedAppUsage in the framework):")
        hiddenUsed.forEach { System.err.println("  $it") }
    }
    if (unreviewed.isNotEmpty()) {
        ok = false
        System.err.println("api-check: platform members the app uses that platform-api.txt has not reviewed.")
        System.err.println("  Check each against the public API (developer.android.com reference, or the framework's")
        System.err.println("  core/api/current.txt) and its API level (minSdk 29), then add it:")
        unreviewed.forEach { System.err.println("  $it") }
    }
    if (unused.isNotEmpty()) {
        ok = false
        System.err.println("api-check: platform-api.txt lists members the app no longer uses; remove them:")
        unused.forEach { System.err.println("  $it") }
    }
    println("api-check: ${used.size} platform classes and members used, all reviewed as public API: $ok")
    if (!ok) exitProcess(1)
}

/** `method android.app.Foo.bar(int)` -> `Landroid/app/Foo;->bar(` (the .uau files' form, up to the arguments). */
private fun dexSignature(entry: String): String {
    val (kind, rest) = entry.split(' ', limit = 2)
    return when (kind) {
        "method" -> {
            val qualified = rest.substringBefore('(')
            val owner = qualified.substringBeforeLast('.')
            "L" + owner.replace('.', '/') + ";->" + qualified.substringAfterLast('.') + "("
        }
        "field" -> {
            val owner = rest.substringBeforeLast('.')
            "L" + owner.replace('.', '/') + ";->" + rest.substringAfterLast('.') + ":"
        }
        else -> "L" + rest.replace('.', '/') + ";"
    }
}

private sealed class Ref {
    data class Member(val owner: String, val name: String, val desc: String, val field: Boolean) : Ref()
    data class TypeRef(val type: Type) : Ref()
}

private class ClassInfo(
    val superName: String?,
    val interfaces: List<String>,
    val methods: Set<String>,
    val fields: Set<String>,
    val refs: List<Ref>,
)

private fun readClasses(jar: ZipFile): Map<String, ClassInfo> =
    jar.entries().toList().filter { it.name.endsWith(".class") }.associate { e ->
        e.name.removeSuffix(".class") to jar.getInputStream(e).use { readClass(it.readBytes()) }
    }

private fun readClass(bytes: ByteArray): ClassInfo {
    var superName: String? = null
    var interfaces = emptyList<String>()
    val methods = HashSet<String>()
    val fields = HashSet<String>()
    val refs = ArrayList<Ref>()
    fun typeOf(desc: String) = refs.add(Ref.TypeRef(Type.getType(desc)))
    val mv = object : MethodVisitor(Opcodes.ASM9) {
        override fun visitMethodInsn(opcode: Int, owner: String, name: String, descriptor: String, isInterface: Boolean) {
            refs += Ref.Member(owner, name, descriptor, false)
            Type.getArgumentTypes(descriptor).forEach { refs += Ref.TypeRef(it) }
        }
        override fun visitFieldInsn(opcode: Int, owner: String, name: String, descriptor: String) {
            refs += Ref.Member(owner, name, descriptor, true)
        }
        override fun visitTypeInsn(opcode: Int, type: String) {
            refs += Ref.TypeRef(Type.getObjectType(type))
        }
        override fun visitLdcInsn(value: Any?) {
            if (value is Type && value.sort == Type.OBJECT) refs += Ref.TypeRef(value)
        }
        override fun visitInvokeDynamicInsn(name: String, descriptor: String, bsm: Handle, vararg bsmArgs: Any?) {
            for (a in bsmArgs) if (a is Handle) refs += Ref.Member(a.owner, a.name, a.desc, false)
        }
    }
    ClassReader(bytes).accept(object : ClassVisitor(Opcodes.ASM9) {
        override fun visit(version: Int, access: Int, name: String, signature: String?, superName0: String?, interfaces0: Array<out String>?) {
            superName = superName0
            interfaces = interfaces0?.toList().orEmpty()
        }
        override fun visitField(access: Int, name: String, descriptor: String, signature: String?, value: Any?): FieldVisitor? {
            fields += name + descriptor
            typeOf(descriptor)
            return null
        }
        override fun visitMethod(access: Int, name: String, descriptor: String, signature: String?, exceptions: Array<out String>?): MethodVisitor {
            methods += name + descriptor
            Type.getArgumentTypes(descriptor).forEach { refs += Ref.TypeRef(it) }
            refs += Ref.TypeRef(Type.getReturnType(descriptor))
            return mv
        }
    }, ClassReader.SKIP_FRAMES)
    return ClassInfo(superName, interfaces, methods, fields, refs)
}
